using System.Text.Json;

namespace LlmFleet.Cli.Tests.Plan;

/// <summary><c>llmfleet quants</c> and <c>llmfleet hardware</c>.</summary>
public sealed class CatalogCommandsTests
{
    [Fact]
    public async Task Quants_Json_ListsEveryIssueFormatWithExactGgufBits()
    {
        var r = await CliRun.RunAsync("quants", "--json");
        Assert.Equal(0, r.ExitCode);
        var formats = JsonDocument.Parse(r.Output).RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        foreach (var id in new[] { "bf16", "fp16", "fp8", "int8", "awq", "gptq", "nvfp4", "mxfp4", "mxfp4-moe", "gguf:Q8_0", "gguf:Q6_K",
            "gguf:Q5_K_M", "gguf:Q4_K_M", "gguf:Q4_0", "gguf:IQ4_XS", "gguf:Q3_K_M", "gguf:IQ3_XXS", "gguf:Q2_K", "gguf:IQ2_M",
            "gguf:IQ2_XXS", "gguf:IQ1_M", "gguf:IQ1_S", "gguf:TQ1_0", "gguf:UD-Q2_K_XL", "gguf:UD-IQ2_M", "gguf:UD-IQ2_XXS",
            "gguf:UD-IQ1_M", "gguf:UD-IQ1_S", "gguf:UD-TQ1_0" })
        {
            Assert.True(formats.ContainsKey(id), $"missing {id}");
        }
        // llama.cpp block sizes: Q8_0 34 bytes / 32, IQ2_XXS 66 / 256, IQ1_S 50 / 256.
        Assert.Equal(8.5, formats["gguf:Q8_0"].GetProperty("default_bits_per_weight").GetDouble());
        Assert.Equal(2.0625, formats["gguf:IQ2_XXS"].GetProperty("bits_per_weight_by_class").GetProperty("routed_experts").GetDouble());
        Assert.Equal(1.5625, formats["gguf:IQ1_S"].GetProperty("bits_per_weight_by_class").GetProperty("routed_experts").GetDouble());
        // Dynamic mixes keep attention far above the experts.
        var ud = formats["gguf:UD-IQ1_S"].GetProperty("bits_per_weight_by_class");
        Assert.True(ud.GetProperty("attention").GetDouble() > 4 * ud.GetProperty("routed_experts").GetDouble());
        Assert.Equal(["llama.cpp"], formats["gguf:Q4_K_M"].GetProperty("engines").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Quants_WithModel_SizesEachFormat()
    {
        var r = await CliRun.RunAsync("quants", "llama-3.1-70b");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("llama-3.1-70b weights", r.Output);
        Assert.Contains("141 GB", r.Output);
    }

    [Fact]
    public async Task Quants_WithModel_MarksPublishedSizesAndKeepsTheEstimate()
    {
        var r = await CliRun.RunAsync("quants", "glm-5.2", "--json");
        Assert.Equal(0, r.ExitCode);
        var formats = JsonDocument.Parse(r.Output).RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        var published = formats["gguf:UD-IQ2_M"];
        Assert.Equal(239_000_000_000, published.GetProperty("weights_bytes").GetInt64());
        Assert.Equal("published", published.GetProperty("weights_source").GetString());
        Assert.Equal("https://unsloth.ai/docs/models/glm-5.2", published.GetProperty("weights_source_url").GetString());
        Assert.True(published.GetProperty("estimated_weights_bytes").GetInt64() > 239_000_000_000);
        var estimate = formats["gguf:UD-IQ2_XXS"];
        Assert.Equal("estimate", estimate.GetProperty("weights_source").GetString());
        Assert.Equal(estimate.GetProperty("estimated_weights_bytes").GetInt64(), estimate.GetProperty("weights_bytes").GetInt64());

        var text = await CliRun.RunAsync("quants", "glm-5.2");
        Assert.Contains("gguf:UD-IQ2_M: published size 239 GB (https://unsloth.ai/docs/models/glm-5.2)", text.Output);
    }

    [Fact]
    public async Task Hardware_Json_HasEveryIssueIdWithSource()
    {
        var r = await CliRun.RunAsync("hardware", "--json");
        Assert.Equal(0, r.ExitCode);
        var gpus = JsonDocument.Parse(r.Output).RootElement.GetProperty("gpus").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetString()!);
        foreach (var id in new[] { "h100", "h200", "b200", "a100", "l40s", "rtx4090", "rtx5090", "rtx-pro-6000", "mi300x", "m3-ultra", "m4-max" })
        {
            Assert.True(gpus.ContainsKey(id), $"missing {id}");
            Assert.False(string.IsNullOrWhiteSpace(gpus[id].GetProperty("source").GetString()));
            Assert.True(gpus[id].GetProperty("memory_bandwidth_bytes_per_second").GetDouble() > 0);
        }
        Assert.Equal(JsonValueKind.Null, gpus["m3-ultra"].GetProperty("memory_bytes").ValueKind);
        Assert.True(gpus["h200"].GetProperty("memory_bytes").GetInt64() > 140_000_000_000);
    }
}
