using LlmFleet.Planning.Cost;

namespace LlmFleet.Planning.Tests.Cost;

public sealed class CostModelTests
{
    // One replica of GLM-5.2 FP8 on 8xH200 as the planner sizes it: about 1,200 tok/s aggregate decode at 100 streams.
    private static readonly ReplicaCapacity EightH200 = new("h200", GpusPerReplica: 8, GpusPerNode: 8,
        OutputTokensPerSecond: 1200, PrefillTokensPerSecond: 12000, GpuPriceUsd: 32000, GpuTdpWatts: 700);

    private static readonly ReplicaCapacity OneH100 = new("h100", 1, 8, 100, 1000, 25000, 700);

    private static CostAssumptions Defaults(string gpu = "h200") => PriceBook.Default.Defaults("glm-5.2", gpu);

    [Theory]
    [InlineData(2.49, 1817.7)]
    [InlineData(3.50, 2555.0)]
    public void Rent_OneH100AroundTheClock_CostsTheHourlyPriceTimes730Hours(double perHour, double expectedMonthly)
    {
        var defaults = Defaults("h100");
        var a = defaults with { Rental = defaults.Rental with { OnDemandPerGpuHourUsd = perHour } };
        var report = CostModel.Compare(new Workload(TokensPerDay: 1e6, PeakToAverage: 1), OneH100, a, new Preferences());
        Assert.Equal(expectedMonthly, report.Option(CostOptions.Rent).Breakdown["rental"], precision: 1);
        // The guide's "$2.49-3.50 an hour is about $1,800-2,500 a month" (it counts 720-730 hours).
        Assert.InRange(expectedMonthly, 1800, 2560);
    }

    [Fact]
    public void PriceBook_RentalClasses_AreCheaperThanOnDemand()
    {
        var h100 = PriceBook.Default.Rental("h100");
        Assert.Equal(2.49, h100.OnDemandPerGpuHourUsd);
        Assert.True(h100.SpotPerGpuHourUsd < h100.ReservedPerGpuHourUsd && h100.ReservedPerGpuHourUsd < h100.OnDemandPerGpuHourUsd);
    }

    [Fact]
    public void Rent_EightH100s_CostsOver14kAMonth()
    {
        var eight = OneH100 with { GpusPerReplica = 8 };
        var report = CostModel.Compare(new Workload(1e6, PeakToAverage: 1), eight, Defaults("h100"), new Preferences());
        Assert.Equal(8 * 2.49 * 730, report.Option(CostOptions.Rent).Breakdown["rental"], precision: 6);
        Assert.True(report.Option(CostOptions.Rent).Breakdown["rental"] > 14_000);
    }

    [Fact]
    public void Api_Prices_AreTokensTimesPerMillionRates()
    {
        var a = Defaults() with { Api = new ApiPrice("x", "x", InputPerMillionUsd: 1, CachedInputPerMillionUsd: 0.2, OutputPerMillionUsd: 4, "test"), ApiOpsHoursPerMonth = 0 };
        // 100M tokens a day x 730/24 days = 3,041.67M tokens a month; 75 % input of which half cached.
        var report = CostModel.Compare(new Workload(100e6, InputShare: 0.75, CachedInputShare: 0.5), EightH200, a, new Preferences());
        var api = report.Option(CostOptions.Api);
        var millions = 100.0 * 730 / 24;
        Assert.Equal(millions * 0.75 * 0.5 * 1, api.Breakdown["input_tokens"], precision: 6);
        Assert.Equal(millions * 0.75 * 0.5 * 0.2, api.Breakdown["cached_input_tokens"], precision: 6);
        Assert.Equal(millions * 0.25 * 4, api.Breakdown["output_tokens"], precision: 6);
        Assert.Equal(api.MonthlyCostUsd / millions, api.CostPerMillionTokensUsd, precision: 9);
    }

    [Fact]
    public void Buy_Arithmetic_DepreciationPowerMaintenanceFromCapex()
    {
        var a = Defaults();
        var report = CostModel.Compare(new Workload(10e6, PeakToAverage: 1), EightH200, a, new Preferences(CapexOk: true));
        var buy = report.Option(CostOptions.Buy);
        var capex = 8 * 32000 + a.ServerOverheadPerNodeUsd;
        Assert.Equal(capex, buy.UpfrontCostUsd);
        Assert.Equal(capex * (1 - a.ResidualValueShare) / (a.LifeYears * 12), buy.Breakdown["depreciation"], precision: 6);
        var kw = (8 * 700 + a.NodeOverheadWatts) * a.Utilisation / 1000;
        Assert.Equal(kw * a.Pue * 730 * a.ElectricityPerKwhUsd, buy.Breakdown["power"], precision: 6);
        Assert.Equal(capex * a.MaintenanceSharePerYear / 12, buy.Breakdown["maintenance"], precision: 6);
        // Cash view: the purchase is paid at month 0, then running costs accrue.
        Assert.Equal(capex + buy.Breakdown["power"] + buy.Breakdown["maintenance"] + buy.Breakdown["operations"], buy.CumulativeCostUsd[0], precision: 6);
    }

    [Fact]
    public void Replicas_PeakLoad_SizesCapacity()
    {
        // 207.36M tokens/day = 2,400 tok/s: 600 output tok/s (0.5 replica) + 1,800 input tok/s (0.15 replica).
        var need = CostModel.Replicas(new Workload(207.36e6, InputShare: 0.75, PeakToAverage: 3), EightH200);
        Assert.Equal(0.65, need.LoadReplicas, precision: 9);
        Assert.Equal(1, need.Average);
        Assert.Equal(2, need.Peak);
    }

    [Fact]
    public void BreakEven_BuyVsApi_ComesEarlierAsUsageGrows()
    {
        var a = Defaults();
        var p = new Preferences(CapexOk: true, Ops: OpsTeam.Dedicated);
        var months = new[] { 500e6, 1000e6, 2000e6 }
            .Select(t => CostModel.Compare(new Workload(t, PeakToAverage: 1.5, Months: 60), EightH200, a, p).BreakEvenMonths["buy_vs_api"])
            .ToArray();
        Assert.All(months, m => Assert.NotNull(m));
        Assert.True(months[0] > months[1] && months[1] >= months[2], string.Join(", ", months));
    }

    [Fact]
    public void BreakEven_BuyVsApi_ComesLaterAsApiPricesFall()
    {
        var p = new Preferences(CapexOk: true, Ops: OpsTeam.Dedicated);
        var w = new Workload(1000e6, PeakToAverage: 1.5, Months: 60);
        int? At(double scale)
        {
            var api = PriceBook.Default.Api("glm-5.2");
            var a = Defaults() with { Api = api with { InputPerMillionUsd = api.InputPerMillionUsd * scale, OutputPerMillionUsd = api.OutputPerMillionUsd * scale } };
            return CostModel.Compare(w, EightH200, a, p).BreakEvenMonths["buy_vs_api"];
        }
        var full = At(1.0);
        var halved = At(0.5);
        Assert.NotNull(full);
        Assert.True(halved is null || halved > full, $"{full} then {halved}");
    }

    [Fact]
    public void Recommend_LowFrequencyUserWithoutOpsTeam_GetsApi()
    {
        var r = CostModel.Compare(new Workload(2e6), EightH200, Defaults(), new Preferences(Ops: OpsTeam.None));
        Assert.Equal(CostOptions.Api, r.Recommendation.Option);
        Assert.Contains(r.Recommendation.Reasons, s => s.Contains("operations team"));
    }

    [Fact]
    public void Recommend_StrictPrivacySteadyHighVolumeDedicatedTeam_GetsBuy()
    {
        var r = CostModel.Compare(new Workload(800e6, PeakToAverage: 1.1), EightH200, Defaults(),
            new Preferences(StrictPrivacy: true, Ops: OpsTeam.Dedicated, CapexOk: true));
        Assert.Equal(CostOptions.Buy, r.Recommendation.Option);
        Assert.Contains(r.Recommendation.Reasons, s => s.Contains("privacy"));
    }

    [Fact]
    public void Recommend_UncertainDemand_GetsRentOrHybrid()
    {
        var r = CostModel.Compare(new Workload(400e6, PeakToAverage: 4), EightH200, Defaults(),
            new Preferences(StrictPrivacy: true, Ops: OpsTeam.Dedicated, CapexOk: true, UncertainDemand: true));
        Assert.Contains(r.Recommendation.Option, new[] { CostOptions.Rent, CostOptions.Hybrid });
        Assert.Contains(r.Recommendation.Reasons, s => s.Contains("Uncertain demand"));
    }

    [Theory]
    [InlineData(-5, 0.75, 0, "--tokens-per-day")]
    [InlineData(1e6, 1.5, 0, "--input-share")]
    [InlineData(1e6, 0.75, -0.1, "--cached-input-share")]
    public void Compare_BadWorkload_NamesTheOption(double tokens, double inputShare, double cachedShare, string option)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            CostModel.Compare(new Workload(tokens, inputShare, cachedShare), EightH200, Defaults(), new Preferences()));
        Assert.Contains(option, e.Message);
    }
}
