using System.Buffers;
using System.Text;
using System.Text.Json;
using LlmFleet.Vllm.OpenAi;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Vllm.Tests.Sse;

public sealed class ChatChunkWriterTests
{
    private static List<JsonElement> Events(ArrayBufferWriter<byte> buffer, out bool done)
    {
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        done = events[^1] == "data: [DONE]";
        return [.. events.Where(e => e != "data: [DONE]").Select(e => JsonDocument.Parse(e[6..]).RootElement)];
    }

    [Fact]
    public void Writes_RoleContentToolAndUsageChunks_AsVllmFramesThem()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ChatChunkWriter("chatcmpl-1", 1700000000, "zai-org/GLM-5.2", "reasoning_content");

        writer.WriteRole(buffer, 0);
        writer.WriteContent(buffer, 0, "thinking \"hard\""u8, reasoning: true);
        writer.WriteContent(buffer, 0, " hello"u8, reasoning: false, finishReason: "stop", stopReason: "\n\n");
        writer.WriteToolCall(buffer, 1, 0, "call-1", "search", "{\"q\""u8);
        writer.WriteToolCall(buffer, 1, 0, null, null, ":1}"u8, "tool_calls");
        writer.WriteUsage(buffer, Usage.Of(10, 5));
        SseFraming.WriteDone(buffer);

        var events = Events(buffer, out var done);
        Assert.True(done);
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", e.GetProperty("object").GetString()));
        Assert.All(events, e => Assert.Equal("zai-org/GLM-5.2", e.GetProperty("model").GetString()));
        Assert.Equal("assistant", events[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("thinking \"hard\"", events[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("reasoning_content").GetString());
        var last = events[2].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Equal("\n\n", last.GetProperty("stop_reason").GetString());
        var call = events[3].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal("call-1", call.GetProperty("id").GetString());
        Assert.Equal("search", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"q\":1}", call.GetProperty("function").GetProperty("arguments").GetString() +
            events[4].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(0, events[5].GetProperty("choices").GetArrayLength());
        Assert.Equal(15, events[5].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void TryGetData_StripsPrefixSpaceAndCarriageReturn()
    {
        Assert.True(SseFraming.TryGetData("data: {\"a\":1}\r"u8, out var data));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(data));
        Assert.True(SseFraming.TryGetData("data:[DONE]"u8, out var done));
        Assert.True(SseFraming.IsDone(done));
        Assert.False(SseFraming.TryGetData(": keep-alive"u8, out _));
    }
}
