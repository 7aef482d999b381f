namespace LlmFleet.Operations.Deploy;

/// <summary>
/// A plan that cannot be deployed to the chosen target as asked: a llama.cpp plan, more GPUs than one host has for
/// a one-host target, a multi-node plan on compose. The message names the problem and what to do instead.
/// </summary>
public sealed class DeployException : Exception
{
    public DeployException()
    {
    }

    public DeployException(string message)
        : base(message)
    {
    }

    public DeployException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
