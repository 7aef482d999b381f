using System.Globalization;

namespace LlmFleet.Operations.Deploy.ProductionStack;

/// <summary>
/// <c>values.yaml</c> for the vLLM production-stack Helm chart (<c>vllm/vllm-stack</c>): one <c>modelSpec</c> with the
/// plan's image, parallel size and flags, its router in front, KEDA scaling on <c>vllm:num_requests_waiting</c>.
/// The chart runs each replica as one pod, so plans that span nodes go to <c>--target kubernetes</c>.
/// </summary>
internal sealed class ProductionStackGenerator : IDeployGenerator
{
    public IReadOnlyList<DeployFile> Generate(VllmServer server, DeployRequest request)
    {
        if (server.Nodes > 1)
        {
            throw new DeployException($"the plan spans {server.Nodes} nodes and the production-stack chart runs one pod per replica; use --target kubernetes (a LeaderWorkerSet)");
        }
        var c = CultureInfo.InvariantCulture;
        var image = server.Image.Split(':', 2);
        var startupProbe = YamlText.Map(
            ("initialDelaySeconds", 15),
            ("periodSeconds", 10),
            ("failureThreshold", Math.Max(1, server.StartupSeconds / 10)),
            ("httpGet", YamlText.Map(("path", "/health"), ("port", VllmServer.Port))));
        var values = YamlText.Map(
            ("servingEngineSpec", YamlText.Map(
                ("runtimeClassName", "nvidia"),
                ("startupProbe", startupProbe),
                ("modelSpec", new List<object>
                {
                    YamlText.Map(
                        ("name", server.Slug),
                        ("repository", image[0]),
                        ("tag", image[1]),
                        ("modelURL", server.Model),
                        ("replicaCount", request.Replicas),
                        ("requestCPU", 8 * server.GpusPerReplica),
                        ("requestMemory", $"{(64 * server.GpusPerReplica).ToString(c)}Gi"),
                        ("requestGPU", server.GpusPerReplica),
                        ("pvcStorage", $"{Math.Ceiling(server.Plan.WeightsBytes * 1.2 / (1L << 30)).ToString(c)}Gi"),
                        ("shmSize", $"{(server.ShmBytes >> 30).ToString(c)}Gi"),
                        ("vllmConfig", YamlText.Map(
                            ("tensorParallelSize", server.TensorParallelSize),
                            // Everything else the plan sets goes through unchanged.
                            ("extraArgs", WithoutTensorParallel(server.Args).ToList()))),
                        ("hf_token", YamlText.Map(("secretName", "hf-token"), ("secretKey", "HF_TOKEN"))),
                        ("keda", Keda(server, request))),
                }))),
            ("routerSpec", YamlText.Map(("enableRouter", true), ("routingLogic", "roundrobin"))));
        var header = $"# vLLM production-stack values for {server.ModelId} ({server.Plan.Quantization}), {request.Replicas} replica(s) of {server.GpusPerReplica} GPUs.\n" +
            "# helm repo add vllm https://vllm-project.github.io/production-stack && helm install llmfleet vllm/vllm-stack -f values.yaml\n";
        return [new DeployFile("values.yaml", header + YamlText.Serialize(values))];
    }

    /// <summary>The chart's KEDA block: the same trigger as the Kubernetes target's ScaledObject.</summary>
    private static Dictionary<string, object?> Keda(VllmServer server, DeployRequest request)
    {
        var trigger = YamlText.Map(
            ("type", "prometheus"),
            ("metadata", YamlText.Map(
                ("serverAddress", Kubernetes.KubernetesGenerator.PrometheusAddress),
                ("metricName", "vllm:num_requests_waiting"),
                ("query", "sum(vllm:num_requests_waiting)"),
                ("threshold", Kubernetes.KubernetesGenerator.WaitingRequestsPerReplica.ToString(CultureInfo.InvariantCulture)))));
        return YamlText.Map(
            ("enabled", true),
            ("minReplicaCount", request.Replicas),
            ("maxReplicaCount", request.Replicas * 2),
            ("cooldownPeriod", Math.Max(300, server.StartupSeconds)),
            ("triggers", new List<object> { trigger }));
    }

    private static IEnumerable<string> WithoutTensorParallel(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--tensor-parallel-size" && i + 1 < args.Count)
            {
                i++;
                continue;
            }
            yield return args[i];
        }
    }
}
