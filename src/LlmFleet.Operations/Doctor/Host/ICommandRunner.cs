namespace LlmFleet.Operations.Doctor.Host;

/// <summary>The outcome of running an external command; <see cref="NotFound"/> when it is not installed.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error, bool NotFound = false)
{
    public bool Succeeded => !NotFound && ExitCode == 0;

    public static CommandResult Missing(string command) => new(-1, "", $"{command}: not found", NotFound: true);
}

/// <summary>Runs external commands (<c>nvidia-smi</c>, <c>python3</c>). Tests replay recorded outputs through it.</summary>
public interface ICommandRunner
{
    Task<CommandResult> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}
