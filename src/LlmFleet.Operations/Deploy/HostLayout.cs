using System.Globalization;

namespace LlmFleet.Operations.Deploy;

/// <summary>
/// How replicas share one host's GPUs for the one-host targets (compose, systemd): replica i gets the consecutive
/// device ids [i × g, (i + 1) × g), so every GPU is named once, and listens on port 8000 + i.
/// </summary>
internal static class HostLayout
{
    /// <exception cref="DeployException">The plan spans nodes, or the replicas need more GPUs than one host has.</exception>
    public static IReadOnlyList<IReadOnlyList<int>> DeviceIds(VllmServer server, int replicas, string target)
    {
        if (server.Nodes > 1)
        {
            throw new DeployException($"the plan spans {server.Nodes} nodes, and {target} runs on one host; use --target kubernetes (a LeaderWorkerSet per replica)");
        }
        var needed = replicas * server.GpusPerReplica;
        if (needed > server.HostGpus)
        {
            throw new DeployException($"{replicas} replicas × {server.GpusPerReplica} GPUs = {needed} GPUs, more than the {server.HostGpus} of one {server.Plan.Hardware!.Id} host; " +
                $"use at most {server.HostGpus / server.GpusPerReplica} replicas with {target}, or --target kubernetes");
        }
        return [.. Enumerable.Range(0, replicas).Select(r => (IReadOnlyList<int>)[.. Enumerable.Range(r * server.GpusPerReplica, server.GpusPerReplica)])];
    }

    public static int HostPort(int replica) => VllmServer.Port + replica;

    public static string Ids(IEnumerable<int> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
