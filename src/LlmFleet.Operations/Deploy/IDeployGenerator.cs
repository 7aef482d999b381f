namespace LlmFleet.Operations.Deploy;

/// <summary>Writes the files of one target. Implementations are pure: same request, same files.</summary>
internal interface IDeployGenerator
{
    /// <exception cref="DeployException">The request does not suit this target (the message says what would).</exception>
    IReadOnlyList<DeployFile> Generate(VllmServer server, DeployRequest request);
}
