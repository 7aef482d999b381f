namespace LlmFleet.Simulation.Faults;

/// <summary>
/// The JSON of <c>/sim/faults</c>. A mutable twin of <see cref="FaultOptions"/> because source-generated
/// deserialisation assigns every init-only property, so absent fields would lose their defaults (slow 1, status 500).
/// </summary>
internal sealed class FaultsBody
{
    public bool Crash { get; set; }

    public bool Hang { get; set; }

    public double Slow { get; set; } = 1.0;

    public double ErrorRate { get; set; }

    public int ErrorStatus { get; set; } = 500;

    public int? DropStreamAfterTokens { get; set; }

    public int? MidStreamErrorAfterTokens { get; set; }

    public bool Unhealthy { get; set; }

    public FaultOptions ToOptions() => new()
    {
        Crash = Crash,
        Hang = Hang,
        Slow = Slow,
        ErrorRate = ErrorRate,
        ErrorStatus = ErrorStatus,
        DropStreamAfterTokens = DropStreamAfterTokens,
        MidStreamErrorAfterTokens = MidStreamErrorAfterTokens,
        Unhealthy = Unhealthy,
    };

    public static FaultsBody From(FaultOptions f) => new()
    {
        Crash = f.Crash,
        Hang = f.Hang,
        Slow = f.Slow,
        ErrorRate = f.ErrorRate,
        ErrorStatus = f.ErrorStatus,
        DropStreamAfterTokens = f.DropStreamAfterTokens,
        MidStreamErrorAfterTokens = f.MidStreamErrorAfterTokens,
        Unhealthy = f.Unhealthy,
    };
}
