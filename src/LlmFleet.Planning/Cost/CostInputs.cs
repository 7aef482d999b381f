namespace LlmFleet.Planning.Cost;

/// <summary>How much the model is used.</summary>
/// <param name="TokensPerDay">Input plus output tokens a day, averaged over the month.</param>
/// <param name="InputShare">Share of those tokens that are prompt (input) tokens; default 0.75.</param>
/// <param name="CachedInputShare">Share of input tokens served from a prompt cache; default 0.</param>
/// <param name="PeakToAverage">Busiest hour's rate over the average rate; capacity is sized for the peak. Default 3.</param>
/// <param name="Months">Horizon of the comparison; default 36.</param>
public sealed record Workload(double TokensPerDay, double InputShare = 0.75, double CachedInputShare = 0, double PeakToAverage = 3, int Months = 36)
{
    public double TokensPerMonth(double hoursPerMonth) => TokensPerDay * hoursPerMonth / 24;

    /// <exception cref="ArgumentException">A value out of range; the message names it.</exception>
    public void Validate()
    {
        Check(TokensPerDay > 0, "--tokens-per-day must be positive");
        Check(InputShare is >= 0 and <= 1, "--input-share must be between 0 and 1");
        Check(CachedInputShare is >= 0 and <= 1, "--cached-input-share must be between 0 and 1");
        Check(PeakToAverage >= 1, "--peak-to-average must be at least 1");
        Check(Months is >= 1 and <= 240, "--months must be between 1 and 240");
    }

    internal static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}

/// <summary>What one serving replica of the planned deployment is and does, from the planner.</summary>
/// <param name="GpusPerReplica">GPUs one replica occupies.</param>
/// <param name="GpusPerNode">GPUs in one server (8 for HGX; 1 for a workstation).</param>
/// <param name="OutputTokensPerSecond">Aggregate decode tokens/s of a replica at its planned concurrency.</param>
/// <param name="PrefillTokensPerSecond">Prompt tokens/s a replica prefills.</param>
/// <param name="GpuPriceUsd">Purchase price of one GPU.</param>
/// <param name="GpuTdpWatts">Board power of one GPU.</param>
public sealed record ReplicaCapacity(
    string Gpu,
    int GpusPerReplica,
    int GpusPerNode,
    double OutputTokensPerSecond,
    double PrefillTokensPerSecond,
    double GpuPriceUsd,
    double GpuTdpWatts);

/// <summary>Rental price classes.</summary>
public enum RentalClass
{
    OnDemand,
    Reserved,
    Spot,
}

/// <summary>Operations capability of the team.</summary>
public enum OpsTeam
{
    None,
    Some,
    Dedicated,
}

/// <summary>The four factors a recommendation weighs, besides the numbers.</summary>
/// <param name="StrictPrivacy">Data may not leave the organisation's control (rules out a commercial API).</param>
/// <param name="CapexOk">The budget can take a purchase (capex); otherwise only operating expense.</param>
/// <param name="UncertainDemand">Usage may change a lot or stop: commitments to hardware are a risk.</param>
public sealed record Preferences(bool StrictPrivacy = false, OpsTeam Ops = OpsTeam.Some, bool CapexOk = false, bool UncertainDemand = false);
