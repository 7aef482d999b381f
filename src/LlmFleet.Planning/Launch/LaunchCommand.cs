namespace LlmFleet.Planning.Launch;

/// <summary>The command that starts the planned server, and the same as a <c>docker run</c> line.</summary>
internal sealed record LaunchCommand(string Command, string? DockerCommand, IReadOnlyList<string> Warnings);
