namespace LlmFleet.Planning.Cost;

/// <summary>What a fitted plan costs to run, as <c>llmfleet cost</c> prices it: the replica it is priced at, and the
/// internal price per million tokens that the gateway's ledger charges self-hosted pools (<c>models[].prices</c>).</summary>
public static class PlanPricing
{
    /// <summary>The streams and output tokens/s one replica (all of the plan's GPUs) is priced at: its goodput.</summary>
    /// <exception cref="ArgumentException">No concurrency meets the plan's interactivity target.</exception>
    public static (int Streams, double Output) Goodput(DeploymentPlan plan)
    {
        var g = plan.Goodput;
        if (!g.MeetsTarget)
        {
            throw new ArgumentException($"no concurrency meets {g.MinStreamTokensPerSecond} tok/s per stream within {g.MaxTtftSeconds} s TTFT at {plan.ContextTokens:N0} tokens of context " +
                $"(one stream: {g.StreamTokensPerSecond:0.#} tok/s, TTFT {g.TtftSeconds:0.##} s); lower --min-stream-tps, raise --max-ttft, shorten --context or pass --concurrency");
        }
        return (g.ConcurrencyPerReplica * plan.DataParallelSize, g.ReplicaTokensPerSecond * plan.DataParallelSize);
    }

    /// <summary>One replica of <paramref name="plan"/> producing <paramref name="outputTokensPerSecond"/>.</summary>
    public static ReplicaCapacity Replica(DeploymentPlan plan, double outputTokensPerSecond, double? gpuPriceUsd = null)
    {
        var hardware = plan.Hardware ?? throw new ArgumentException("the plan has no hardware: give --gpu");
        return new ReplicaCapacity(hardware.Id, plan.Gpus, hardware.GpusPerNode, outputTokensPerSecond, plan.PrefillTokensPerSecond,
            gpuPriceUsd ?? hardware.PriceUsd, hardware.TdpWatts);
    }

    /// <summary>
    /// Dollars per million tokens (input and output alike, as <c>cost</c>'s table reports them) of <paramref name="option"/>
    /// (<see cref="CostOptions.Buy"/> or <see cref="CostOptions.Rent"/>) for <paramref name="plan"/> at its goodput, with
    /// the price book's defaults and <paramref name="tokensPerDay"/> of use.
    /// </summary>
    /// <exception cref="ArgumentException">An option other than buy or rent, or a plan without goodput.</exception>
    public static double PerMillionTokens(DeploymentPlan plan, double tokensPerDay, string option)
    {
        if (option is not (CostOptions.Buy or CostOptions.Rent))
        {
            throw new ArgumentException($"the internal price is that of owned ({CostOptions.Buy}) or rented ({CostOptions.Rent}) GPUs, not '{option}'");
        }
        var (_, output) = Goodput(plan);
        var report = CostModel.Compare(new Workload(tokensPerDay), Replica(plan, output),
            PriceBook.Default.Defaults(plan.ModelId, plan.Hardware!.Id), new Preferences());
        return report.Option(option).CostPerMillionTokensUsd;
    }
}
