using System.Text;
using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Tests.Requests;

public sealed class RequestInspectorTests
{
    private static (RequestInspection Result, string Model, string Prefix) Inspect(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var model = new char[256];
        var r = RequestInspector.Inspect(bytes, model);
        return (r, new string(model, 0, r.ModelLength), r.HasPrefix ? Encoding.UTF8.GetString(bytes.AsSpan()[r.Prefix]) : "");
    }

    [Fact]
    public void Inspect_ModelAfterMessages_FindsModelAndStream()
    {
        var (r, model, _) = Inspect("""{"messages":[{"role":"user","content":"hi"}],"stream":true,"model":"glm-5.2"}""");
        Assert.Null(r.Error);
        Assert.True(r.HasModel);
        Assert.Equal("glm-5.2", model);
        Assert.True(r.Stream);
    }

    [Fact]
    public void Inspect_EscapedModel_IsUnescaped()
    {
        var (r, model, _) = Inspect("""{"model":"glm\u002d5.2"}""");
        Assert.Equal("glm-5.2", model);
        Assert.False(r.Stream);
    }

    [Theory]
    [InlineData("{\"model\": \"m\"", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"model\":\"m\"} {}", "not valid JSON")]
    public void Inspect_Malformed_ReportsError(string json, string expected)
    {
        var (r, _, _) = Inspect(json);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void Inspect_NoModel_HasModelFalse()
    {
        var (r, _, _) = Inspect("""{"prompt":"x"}""");
        Assert.Null(r.Error);
        Assert.False(r.HasModel);
    }

    [Fact]
    public void Inspect_LaterTurnsOfAConversation_ShareTheSamePrefix()
    {
        const string system = """{"role":"system","content":"You are terse."}""";
        const string user1 = """{"role":"user","content":"What is KV cache?"}""";
        var turn1 = Inspect($$"""{"model":"m","messages":[{{system}},{{user1}}]}""").Prefix;
        var turn2 = Inspect($$"""{"model":"m","messages":[{{system}},{{user1}},{"role":"assistant","content":"A cache."},{"role":"user","content":"More?"}]}""").Prefix;
        var other = Inspect($$"""{"model":"m","messages":[{{system}},{"role":"user","content":"Other question"}]}""").Prefix;
        Assert.Equal(turn1, turn2);
        Assert.NotEqual(turn1, other);
        Assert.EndsWith("KV cache?\"}", turn1);
    }

    [Fact]
    public void Inspect_PromptString_PrefixIsCapped()
    {
        var (r, _, prefix) = Inspect($$"""{"model":"m","prompt":"{{new string('a', 20_000)}}"}""");
        Assert.True(r.HasPrefix);
        Assert.Equal(RequestInspector.MaxPrefixBytes, prefix.Length);
    }
}
