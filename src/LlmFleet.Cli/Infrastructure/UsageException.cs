namespace LlmFleet.Cli.Infrastructure;

/// <summary>Bad usage or input found by a command: printed as a message, exit code 2, no stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
