namespace LlmFleet.Planning.Cost;

/// <summary>Names of the options compared.</summary>
public static class CostOptions
{
    public const string Buy = "buy";
    public const string Rent = "rent";
    public const string Hybrid = "hybrid";
    public const string Api = "api";

    /// <summary>
    /// How <see cref="Hybrid"/> is run by the gateway, as priced: the owned replicas are one pool whose fallback is the
    /// pool of rented peak replicas, with <c>spill: when_saturated</c>, so the rented replicas take only what the owned
    /// ones cannot (priced for the peak hours). With <c>when_down</c> the rented replicas would idle through the peak;
    /// with <c>never</c> the owned pool would queue.
    /// </summary>
    public const string HybridSpill = "when_saturated";
}

/// <summary>One way of getting the tokens, priced.</summary>
/// <param name="MonthlyCostUsd">Steady monthly cost: depreciation plus running costs for owned hardware.</param>
/// <param name="UpfrontCostUsd">Purchase paid at month 0 (0 for rent and API).</param>
/// <param name="CumulativeCostUsd">Cash spent by the end of each month 1..N, purchase included.</param>
/// <param name="Breakdown">The monthly cost's parts (depreciation, power, maintenance, operations, rental, tokens).</param>
public sealed record CostOption(
    string Name,
    double MonthlyCostUsd,
    double CostPerMillionTokensUsd,
    double UpfrontCostUsd,
    IReadOnlyList<double> CumulativeCostUsd,
    IReadOnlyDictionary<string, double> Breakdown,
    int Gpus);

/// <summary>Replicas needed for the average and the peak load.</summary>
/// <param name="LoadReplicas">Fractional replicas the average load keeps busy.</param>
public sealed record ReplicaNeed(int Average, int Peak, double LoadReplicas);

/// <summary>The recommended option and why, in plain sentences that cite the numbers.</summary>
public sealed record Recommendation(string Option, IReadOnlyList<string> Reasons);

/// <summary>Everything <c>llmfleet cost</c> reports.</summary>
/// <param name="BreakEvenMonths">Keyed <c>buy_vs_api</c>, <c>buy_vs_rent</c>, <c>rent_vs_api</c>, <c>hybrid_vs_api</c>: the first month at the
/// end of which the first option has cost no more than the second in total; null when that never happens within the horizon.</param>
public sealed record CostReport(
    IReadOnlyList<CostOption> Options,
    IReadOnlyDictionary<string, int?> BreakEvenMonths,
    ReplicaNeed Replicas,
    Recommendation Recommendation,
    double TokensPerMonth)
{
    public CostOption Option(string name) => Options.Single(o => o.Name == name);
}
