using System.Text.Json;

namespace LlmFleet.Cli.Tests.Cost;

public sealed class CostCommandTests
{
    private static readonly string[] Glm52OnH200 = ["cost", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8"];

    [Fact]
    public async Task Cost_Json_HasOptionsBreakEvenReplicasAndRecommendation()
    {
        var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "50000000", "--json"]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        var options = root.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(["api", "buy", "hybrid", "rent"], options.Keys.Order().ToArray());
        foreach (var o in options.Values)
        {
            Assert.True(o.GetProperty("monthly_cost_usd").GetDouble() > 0);
            Assert.True(o.GetProperty("cost_per_million_tokens_usd").GetDouble() > 0);
            Assert.Equal(36, o.GetProperty("cumulative_cost_usd").GetArrayLength());
        }
        var breakEven = root.GetProperty("break_even_months");
        foreach (var key in new[] { "buy_vs_api", "buy_vs_rent", "rent_vs_api" })
        {
            Assert.True(breakEven.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.Number or JsonValueKind.Null, key);
        }
        Assert.True(root.GetProperty("replicas").GetProperty("peak").GetInt32() >= 1);
        var recommendation = root.GetProperty("recommendation");
        Assert.Contains(recommendation.GetProperty("option").GetString(), options.Keys);
        Assert.NotEmpty(recommendation.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Cost_Hybrid_SaysWhichSpillSettingItAssumes()
    {
        var human = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "50000000"]);
        var json = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "50000000", "--json"]);

        Assert.Contains("spill: when_saturated", human.Output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("when_saturated", doc.RootElement.GetProperty("hybrid_spill").GetString());
    }

    [Fact]
    public async Task Cost_Glm52OnEightH200_PricesTheGoodputItStatesAndPrintsIt()
    {
        var json = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "1000000000", "--json"]);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Output);
        var root = doc.RootElement;
        var streams = root.GetProperty("concurrency_per_replica").GetInt32();
        var perStream = root.GetProperty("stream_tokens_per_second").GetDouble();
        var replica = root.GetProperty("replica_output_tokens_per_second").GetDouble();
        Assert.Equal("goodput", root.GetProperty("concurrency_basis").GetString());
        Assert.True(streams > 1, $"{streams} streams");
        Assert.True(perStream >= root.GetProperty("min_stream_tokens_per_second").GetDouble(), $"{perStream} tok/s per stream");
        Assert.Equal(streams * perStream, replica, precision: 6);

        // The same three figures, as a person reads them.
        var text = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "1000000000"]);
        Assert.Equal(0, text.ExitCode);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains($"{replica.ToString("N0", c)} output tok/s at {streams} streams ({perStream.ToString("0.#", c)} tok/s each", text.Output);
    }

    [Fact]
    public async Task Cost_BuyVsApiBreakEven_ComesEarlierAsTokensPerDayGrow()
    {
        // Against a frontier API's list price ($3 in, $15 out per million), with a purchase allowed and a moderate
        // daily peak, buying pays for itself, and sooner the more the GPUs are used.
        async Task<int> MonthsAsync(string tokensPerDay)
        {
            var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", tokensPerDay, "--capex-ok", "--peak-to-average", "1.5",
                "--api-price-in", "3", "--api-price-out", "15", "--months", "60", "--json"]);
            Assert.Equal(0, r.ExitCode);
            using var doc = JsonDocument.Parse(r.Output);
            var months = doc.RootElement.GetProperty("break_even_months").GetProperty("buy_vs_api");
            Assert.True(months.ValueKind == JsonValueKind.Number, $"{tokensPerDay} tokens/day: buying never breaks even");
            return months.GetInt32();
        }

        var low = await MonthsAsync("200000000");
        var mid = await MonthsAsync("1000000000");
        var high = await MonthsAsync("4000000000");
        Assert.True(low > mid && mid >= high, $"break-even months {low}, {mid}, {high}");
    }

    [Fact]
    public async Task Cost_MtpAcceptance_RaisesTheReplicaThroughputItPrices()
    {
        async Task<double> ReplicaAsync(params string[] extra)
        {
            var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "1000000000", "--json", .. extra]);
            Assert.Equal(0, r.ExitCode);
            using var doc = JsonDocument.Parse(r.Output);
            return doc.RootElement.GetProperty("replica_output_tokens_per_second").GetDouble();
        }

        Assert.True(await ReplicaAsync("--mtp-acceptance", "2.5") > await ReplicaAsync());
    }

    [Fact]
    public async Task Cost_ApiPriceOverride_ChangesTheApiOption()
    {
        var cheap = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "50000000", "--api-price-in", "0.1", "--api-price-out", "0.2", "--json"]);
        var dear = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "50000000", "--api-price-in", "10", "--api-price-out", "20", "--json"]);
        Assert.True(ApiMonthly(cheap.Output) < ApiMonthly(dear.Output));
    }

    [Fact]
    public async Task Cost_PricesFile_OverridesRates()
    {
        var dir = TestPaths.NewTempDirectory();
        var file = Path.Combine(dir, "prices.yaml");
        await File.WriteAllTextAsync(file, "rental:\n  on_demand_per_gpu_hour_usd: 1.0\nops:\n  rent_hours_per_month: 0\n", TestContext.Current.CancellationToken);
        var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "1000000", "--peak-to-average", "1", "--prices", file, "--json"]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Output);
        var rent = doc.RootElement.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "rent");
        Assert.Equal(8 * 1.0 * 730, rent.GetProperty("monthly_cost_usd").GetDouble(), precision: 6);
    }

    [Fact]
    public async Task Cost_PricesFileWithUnknownKey_Exits2NamingIt()
    {
        var file = Path.Combine(TestPaths.NewTempDirectory(), "prices.yaml");
        await File.WriteAllTextAsync(file, "electricity_per_kwh: 0.3\n", TestContext.Current.CancellationToken);
        var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "1000000", "--prices", file]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("electricity_per_kwh", r.Error);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".svg")]
    public async Task Cost_Plot_WritesTheChart(string extension)
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "cost" + extension);
        var r = await CliRun.RunAsync([.. Glm52OnH200, "--tokens-per-day", "500000000", "--capex-ok", "--plot", path]);
        Assert.Equal(0, r.ExitCode);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        if (extension == ".png")
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        else
        {
            var svg = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.Contains("<svg", svg);
            Assert.Contains("months", svg);
        }
    }

    [Theory]
    [InlineData("--tokens-per-day", "-5", "--tokens-per-day")]
    [InlineData("--input-share", "1.5", "--input-share")]
    [InlineData("--cached-input-share", "-0.2", "--cached-input-share")]
    [InlineData("--ops-team", "huge", "--ops-team")]
    public async Task Cost_BadInput_Exits2NamingTheOption(string option, string value, string expected)
    {
        string[] args = option == "--tokens-per-day"
            ? [.. Glm52OnH200, option, value]
            : [.. Glm52OnH200, "--tokens-per-day", "1000000", option, value];
        var r = await CliRun.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public async Task Cost_UnknownModel_Exits2()
    {
        var r = await CliRun.RunAsync("cost", "glm-99", "--tokens-per-day", "1000");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("glm-99", r.Error);
    }

    private static double ApiMonthly(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("options").EnumerateArray()
            .Single(o => o.GetProperty("name").GetString() == "api").GetProperty("monthly_cost_usd").GetDouble();
    }
}
