namespace LlmFleet.Gateway.Configuration;

/// <summary>The service-account mount of a pod: its namespace is the default of <c>backends: { kubernetes: }</c>;
/// Discovery reads its token and cluster CA from the same place.</summary>
internal static class PodServiceAccount
{
    public const string Mount = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The pod's own namespace; null outside a cluster.</summary>
    public static string? Namespace()
    {
        var path = Path.Combine(Mount, "namespace");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
