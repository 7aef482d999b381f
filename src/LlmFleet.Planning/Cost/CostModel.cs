namespace LlmFleet.Planning.Cost;

/// <summary>
/// Total cost of owning, renting and calling an API for a workload, from the planner's per-replica throughput.
/// Pure arithmetic; docs/cost.md gives every formula.
/// </summary>
public static class CostModel
{
    public static CostReport Compare(Workload workload, ReplicaCapacity replica, CostAssumptions a, Preferences preferences)
    {
        workload.Validate();
        a.Validate();
        if (replica.OutputTokensPerSecond <= 0 || replica.PrefillTokensPerSecond <= 0)
        {
            throw new ArgumentException("the planned deployment has no throughput (it does not fit the hardware)");
        }

        var need = Replicas(workload, replica);
        var tokensPerMonth = workload.TokensPerMonth(a.HoursPerMonth);
        var options = new List<CostOption>
        {
            Own(CostOptions.Buy, need.Peak, rentedReplicas: 0, workload, replica, a, preferences, tokensPerMonth),
            Rent(need.Peak, workload, replica, a, preferences, tokensPerMonth),
            Own(CostOptions.Hybrid, need.Average, rentedReplicas: need.Peak - need.Average, workload, replica, a, preferences, tokensPerMonth),
            Api(workload, a, preferences, tokensPerMonth),
        };
        var byName = options.ToDictionary(o => o.Name);
        var breakEven = new Dictionary<string, int?>
        {
            ["buy_vs_api"] = BreakEven(byName[CostOptions.Buy], byName[CostOptions.Api]),
            ["buy_vs_rent"] = BreakEven(byName[CostOptions.Buy], byName[CostOptions.Rent]),
            ["rent_vs_api"] = BreakEven(byName[CostOptions.Rent], byName[CostOptions.Api]),
            ["hybrid_vs_api"] = BreakEven(byName[CostOptions.Hybrid], byName[CostOptions.Api]),
        };
        var recommendation = Recommender.Recommend(byName, breakEven, need, workload, preferences);
        return new CostReport(options, breakEven, need, recommendation, tokensPerMonth);
    }

    /// <summary>
    /// Replicas from the load the average token rate puts on one replica: output tokens against its aggregate decode
    /// rate plus uncached prompt tokens against its prefill rate (a replica does both in the same steps).
    /// </summary>
    public static ReplicaNeed Replicas(Workload w, ReplicaCapacity r)
    {
        var tokensPerSecond = w.TokensPerDay / 86_400;
        var outputPerSecond = tokensPerSecond * (1 - w.InputShare);
        var uncachedInputPerSecond = tokensPerSecond * w.InputShare * (1 - w.CachedInputShare);
        var load = outputPerSecond / r.OutputTokensPerSecond + uncachedInputPerSecond / r.PrefillTokensPerSecond;
        var average = Math.Max(1, (int)Math.Ceiling(load - 1e-9));
        var peak = Math.Max(average, (int)Math.Ceiling(load * w.PeakToAverage - 1e-9));
        return new ReplicaNeed(average, peak, load);
    }

    /// <summary>Owned replicas (buy), optionally topped up with replicas rented for the daily peak hours (hybrid).</summary>
    private static CostOption Own(string name, int ownedReplicas, int rentedReplicas, Workload w, ReplicaCapacity r,
        CostAssumptions a, Preferences p, double tokensPerMonth)
    {
        var gpus = ownedReplicas * r.GpusPerReplica;
        var nodes = (int)Math.Ceiling(gpus / (double)r.GpusPerNode);
        var capex = gpus * r.GpuPriceUsd + nodes * a.ServerOverheadPerNodeUsd;
        var depreciation = capex * (1 - a.ResidualValueShare) / (a.LifeYears * 12);
        var powerKw = (gpus * r.GpuTdpWatts + nodes * a.NodeOverheadWatts) * a.Utilisation / 1000;
        var power = powerKw * a.Pue * a.HoursPerMonth * a.ElectricityPerKwhUsd;
        var maintenance = capex * a.MaintenanceSharePerYear / 12;
        var ops = a.Ops[p.Ops].BuyHoursPerMonth * a.Ops[p.Ops].RatePerHourUsd;
        var peakRental = rentedReplicas * r.GpusPerReplica * a.Rental.For(RentalClass.OnDemand)
            * a.PeakHoursPerDay * a.HoursPerMonth / 24;
        var breakdown = new Dictionary<string, double>
        {
            ["depreciation"] = depreciation,
            ["power"] = power,
            ["maintenance"] = maintenance,
            ["operations"] = ops,
        };
        if (rentedReplicas > 0)
        {
            breakdown["peak_rental"] = peakRental;
        }
        var runningPerMonth = power + maintenance + ops + peakRental;
        return Option(name, breakdown, upfront: capex, runningPerMonth, w.Months, tokensPerMonth, gpus + rentedReplicas * r.GpusPerReplica);
    }

    /// <summary>Rented capacity for the peak, around the clock (GPU capacity is rarely elastic by the hour).</summary>
    private static CostOption Rent(int replicas, Workload w, ReplicaCapacity r, CostAssumptions a, Preferences p, double tokensPerMonth)
    {
        var gpus = replicas * r.GpusPerReplica;
        var breakdown = new Dictionary<string, double>
        {
            ["rental"] = gpus * a.Rental.For(a.RentalClass) * a.HoursPerMonth,
            ["operations"] = a.Ops[p.Ops].RentHoursPerMonth * a.Ops[p.Ops].RatePerHourUsd,
        };
        return Option(CostOptions.Rent, breakdown, upfront: 0, breakdown.Values.Sum(), w.Months, tokensPerMonth, gpus);
    }

    private static CostOption Api(Workload w, CostAssumptions a, Preferences p, double tokensPerMonth)
    {
        var millions = tokensPerMonth / 1e6;
        var input = millions * w.InputShare;
        var breakdown = new Dictionary<string, double>
        {
            ["input_tokens"] = input * (1 - w.CachedInputShare) * a.Api.InputPerMillionUsd,
            ["cached_input_tokens"] = input * w.CachedInputShare * a.Api.CachedInputPerMillionUsd,
            ["output_tokens"] = millions * (1 - w.InputShare) * a.Api.OutputPerMillionUsd,
            ["operations"] = a.ApiOpsHoursPerMonth * a.Ops[p.Ops].RatePerHourUsd,
        };
        return Option(CostOptions.Api, breakdown, upfront: 0, breakdown.Values.Sum(), w.Months, tokensPerMonth, gpus: 0);
    }

    private static CostOption Option(string name, Dictionary<string, double> breakdown, double upfront, double runningPerMonth,
        int months, double tokensPerMonth, int gpus)
    {
        var monthly = breakdown.Values.Sum();
        var cumulative = Enumerable.Range(1, months).Select(m => upfront + m * runningPerMonth).ToArray();
        return new CostOption(name, monthly, monthly / (tokensPerMonth / 1e6), upfront, cumulative, breakdown, gpus);
    }

    /// <summary>First month (1-based) at whose end <paramref name="a"/> has cost no more than <paramref name="b"/>.</summary>
    public static int? BreakEven(CostOption a, CostOption b)
    {
        for (var m = 0; m < a.CumulativeCostUsd.Count; m++)
        {
            if (a.CumulativeCostUsd[m] <= b.CumulativeCostUsd[m])
            {
                return m + 1;
            }
        }
        return null;
    }
}
