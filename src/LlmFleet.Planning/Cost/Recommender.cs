using System.Globalization;

namespace LlmFleet.Planning.Cost;

/// <summary>
/// Chooses among the options with the four factors of the usual guidance — data privacy, usage frequency, budget
/// structure (capex or opex) and operations capability — and then the cost over the horizon. Each rule that rules an
/// option out says so in a sentence with the numbers behind it.
/// </summary>
internal static class Recommender
{
    public static Recommendation Recommend(IReadOnlyDictionary<string, CostOption> options, IReadOnlyDictionary<string, int?> breakEven,
        ReplicaNeed need, Workload w, Preferences p)
    {
        var reasons = new List<string>();
        var candidates = new HashSet<string>(options.Keys);
        var api = options[CostOptions.Api];
        var rent = options[CostOptions.Rent];
        var buy = options[CostOptions.Buy];

        if (p.StrictPrivacy)
        {
            candidates.Remove(CostOptions.Api);
            reasons.Add("Strict data privacy: prompts may not leave your control, so the commercial API is ruled out.");
        }
        if (!p.CapexOk)
        {
            candidates.Remove(CostOptions.Buy);
            candidates.Remove(CostOptions.Hybrid);
            reasons.Add($"No capital budget: buying would need {Usd(buy.UpfrontCostUsd)} up front, so only operating-expense options remain.");
        }
        if (p.Ops == OpsTeam.None)
        {
            candidates.Remove(CostOptions.Buy);
            candidates.Remove(CostOptions.Hybrid);
            if (!p.StrictPrivacy)
            {
                candidates.Remove(CostOptions.Rent);
                reasons.Add("No operations team: keeping GPU servers patched, monitored and upgraded is a job; the API needs none.");
            }
            else
            {
                reasons.Add("No operations team: owning hardware is ruled out; rented GPUs still need someone to run vLLM.");
            }
        }
        if (p.UncertainDemand)
        {
            candidates.Remove(CostOptions.Buy);
            reasons.Add($"Uncertain demand: buying commits {Usd(buy.UpfrontCostUsd)} to hardware that may sit idle; renting or owning only the base load keeps that risk small.");
        }

        // Usage frequency: a light user pays the API per token and nothing when idle, while hardware costs the same busy or idle.
        var utilisation = need.LoadReplicas / need.Peak;
        if (need.LoadReplicas < 0.1)
        {
            reasons.Add($"Light usage: {Tokens(w.TokensPerDay)} tokens a day keep one replica busy {Percent(need.LoadReplicas)} of the time; " +
                $"the API costs {Usd(api.MonthlyCostUsd)} a month against {Usd(rent.MonthlyCostUsd)} for renting.");
        }
        else
        {
            reasons.Add($"Usage: {Tokens(w.TokensPerDay)} tokens a day need {need.Average} replica(s) on average and {need.Peak} at the peak " +
                $"(peak-to-average {w.PeakToAverage.ToString("0.#", CultureInfo.InvariantCulture)}), {Percent(utilisation)} average utilisation of peak capacity.");
        }

        if (need.Peak == need.Average)
        {
            // Without peaks above the base load, hybrid is the same purchase as buy: offer the simpler name.
            candidates.Remove(CostOptions.Hybrid);
        }
        if (candidates.Count == 0)
        {
            // Every option was ruled out by a constraint: fall back to the least constrained opex choice and say why.
            candidates.Add(p.StrictPrivacy ? CostOptions.Rent : CostOptions.Api);
            reasons.Add("Every option conflicts with a constraint; the one that conflicts least is recommended.");
        }

        var best = candidates.Select(n => options[n]).MinBy(o => o.CumulativeCostUsd[^1])!;
        reasons.Add($"Over {w.Months} months {best.Name} costs {Usd(best.CumulativeCostUsd[^1])} in total " +
            $"({Usd(best.MonthlyCostUsd)} a month, {Usd(best.CostPerMillionTokensUsd)} per million tokens)" +
            string.Concat(candidates.Where(n => n != best.Name).Select(n => $"; {n}: {Usd(options[n].CumulativeCostUsd[^1])}")) + ".");
        if (breakEven["buy_vs_api"] is { } month)
        {
            reasons.Add($"Buying pays for itself against the API after {month} month(s).");
        }
        else
        {
            reasons.Add($"Buying does not pay for itself against the API within {w.Months} months.");
        }
        return new Recommendation(best.Name, reasons);
    }

    private static string Usd(double v) => "$" + v.ToString(v >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Tokens(double v) => v >= 1e6 ? (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " million" : v.ToString("N0", CultureInfo.InvariantCulture);
}
