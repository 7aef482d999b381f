namespace LlmFleet.Operations.Deploy;

/// <summary>One generated file: its path relative to the output folder, and its text.</summary>
public sealed record DeployFile(string Path, string Content);
