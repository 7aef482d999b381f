namespace LlmFleet.Cli.Infrastructure;

/// <summary>Exit codes shared by every command (docs/architecture.md, "Conventions for outputs").</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The check or plan says no: does not fit, corruption found, a check failed.</summary>
    public const int No = 1;

    /// <summary>Bad usage or input.</summary>
    public const int BadInput = 2;
}
