using System.Text.Json;

namespace LlmFleet.Cli.Tests.Models;

public sealed class ModelsCommandTests
{
    [Fact]
    public async Task ModelsShow_Json_HasTheDocumentedShape()
    {
        var r = await CliRun.RunAsync("models", "show", "glm-5.2", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        Assert.Equal("glm-5.2", root.GetProperty("id").GetString());
        Assert.Equal("glm_moe_dsa", root.GetProperty("model_type").GetString());
        Assert.Equal("mla+dsa", root.GetProperty("attention").GetString());
        Assert.Equal(78, root.GetProperty("layers").GetInt32());
        Assert.Equal(1_048_576, root.GetProperty("max_context").GetInt64());
        var p = root.GetProperty("params");
        var total = p.GetProperty("total").GetInt64();
        Assert.InRange(total, 736_560_000_000, 751_440_000_000); // 744B ± 1 %
        Assert.True(p.GetProperty("active").GetInt64() < total);
        Assert.True(p.GetProperty("mtp").GetInt64() > 0);
        Assert.True(p.GetProperty("embedding").GetInt64() > 0);
        var byClass = p.GetProperty("by_class").EnumerateObject().Sum(c => c.Value.GetInt64());
        Assert.Equal(total, byClass);
    }

    [Fact]
    public async Task ModelsShow_ConfigFolder_CountsLikeTheCatalogEntry()
    {
        var fromFolder = await CliRun.RunAsync("models", "show", TestPaths.Asset("configs", "deepseek-v3"), "--json");
        var fromId = await CliRun.RunAsync("models", "show", "deepseek-v3", "--json");
        Assert.Equal(0, fromFolder.ExitCode);
        Assert.Equal(Total(fromId.Output), Total(fromFolder.Output));
    }

    [Fact]
    public async Task Models_Table_ListsEveryBuiltInModel()
    {
        var r = await CliRun.RunAsync("models");
        Assert.Equal(0, r.ExitCode);
        foreach (var id in new[] { "glm-5.2", "deepseek-r1", "kimi-k2", "gpt-oss-20b", "mixtral-8x7b" })
        {
            Assert.Contains(id, r.Output);
        }
    }

    [Fact]
    public async Task ModelsShow_UnknownId_Exits2AndListsKnownIds()
    {
        var r = await CliRun.RunAsync("models", "show", "glm-9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown model 'glm-9'", r.Error);
        Assert.Contains("glm-5.2", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Theory]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("""{"model_type":"llama","num_hidden_layers":32}""", "'hidden_size'")]
    [InlineData("""{"model_type":"llama","hidden_size":0,"num_hidden_layers":32,"vocab_size":10,"max_position_embeddings":8}""", "positive")]
    public async Task ModelsShow_BadConfig_Exits2NamingTheProblem(string content, string expected)
    {
        var dir = TestPaths.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), content, TestContext.Current.CancellationToken);
        var r = await CliRun.RunAsync("models", "show", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Contains("config.json", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public async Task ModelsShow_FolderWithoutConfig_Exits2()
    {
        var r = await CliRun.RunAsync("models", "show", TestPaths.NewTempDirectory());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no config.json", r.Error);
    }

    [Fact]
    public async Task UnknownCommand_Exits2()
    {
        var r = await CliRun.RunAsync("frobnicate");
        Assert.Equal(2, r.ExitCode);
    }

    private static long Total(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("params").GetProperty("total").GetInt64();
    }
}
