using System.Text.Json;
using LlmFleet.Vllm.Errors;
using LlmFleet.Vllm.OpenAi;

namespace LlmFleet.Vllm.Tests.Errors;

public sealed class VllmErrorsTests
{
    [Fact]
    public void PromptTooLong_SerialisesAsVllmsBody()
    {
        var json = JsonSerializer.Serialize(VllmErrors.PromptTooLong(1024, 3001), VllmJson.ErrorResponse);

        Assert.Equal("""{"error":{"message":"This model's maximum context length is 1024 tokens. However, your request has 3001 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}}""", json);
    }

    [Theory]
    [InlineData(404, "NotFoundError")]
    [InlineData(500, "InternalServerError")]
    [InlineData(503, "ServiceUnavailableError")]
    public void Create_NamesTheStatus(int status, string type)
    {
        var e = VllmErrors.Create(status, "x");
        Assert.Equal(type, e.Error.Type);
        Assert.Equal(status, e.Error.Code);
    }

    [Fact]
    public void ChatRequest_StopAsStringOrList_BothRead()
    {
        var one = JsonSerializer.Deserialize("""{"messages":[],"stop":"END"}""", VllmJson.ChatCompletionRequest)!;
        var many = JsonSerializer.Deserialize("""{"messages":[],"stop":["a","b"],"max_completion_tokens":5,"max_tokens":9}""", VllmJson.ChatCompletionRequest)!;

        Assert.Equal(["END"], one.Stop);
        Assert.Equal(["a", "b"], many.Stop);
        Assert.Equal(5, many.RequestedMaxTokens);
    }
}
