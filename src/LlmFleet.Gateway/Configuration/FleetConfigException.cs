namespace LlmFleet.Gateway.Configuration;

/// <summary>A <c>fleet.yaml</c> that cannot be used; the message names every problem with its place in the file.</summary>
public sealed class FleetConfigException(string message) : Exception(message);
