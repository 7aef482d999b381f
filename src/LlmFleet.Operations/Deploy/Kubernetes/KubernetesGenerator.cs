using System.Globalization;
using k8s;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// Manifests for a cluster. A plan on one node becomes a Deployment of <c>--replicas</c> pods; a plan over several
/// nodes becomes a LeaderWorkerSet whose groups have one pod per node, started as vLLM's multi-node documentation
/// gives (leader with <c>--nnodes/--node-rank 0/--master-addr</c>, workers the same with <c>--headless</c>). Then a
/// Service over the serving pods, a PodMonitor, a KEDA ScaledObject on <c>vllm:num_requests_waiting</c>, and the
/// gateway with RBAC to watch the Service's EndpointSlices.
/// </summary>
internal sealed class KubernetesGenerator : IDeployGenerator
{
    /// <summary>Where KEDA finds Prometheus: the Prometheus Operator's default governing Service.</summary>
    public const string PrometheusAddress = "http://prometheus-operated.monitoring.svc:9090";

    /// <summary>Requests waiting per replica above which KEDA adds a replica: a queue means the batch is full.</summary>
    public const int WaitingRequestsPerReplica = 4;

    public IReadOnlyList<DeployFile> Generate(VllmServer server, DeployRequest request)
    {
        var ns = request.Namespace;
        var name = $"vllm-{server.Slug}";
        var serverLabels = KubernetesLabels.For("vllm", name, KubernetesLabels.ServerRole);
        IKubernetesObject workload = server.Nodes > 1
            ? LeaderWorkerSetFor(server, request, name)
            : DeploymentFor(server, request, name, serverLabels);
        var vllm = new List<IKubernetesObject>
        {
            workload,
            new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.For("vllm", name) },
                Spec = new V1ServiceSpec
                {
                    Selector = serverLabels,
                    Ports = [new V1ServicePort { Name = VllmPodTemplate.PortName, Port = VllmServer.Port, TargetPort = VllmPodTemplate.PortName, Protocol = "TCP" }],
                },
            },
            new PodMonitor
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.For("vllm", name) },
                Spec = new PodMonitorSpec
                {
                    Selector = new V1LabelSelector { MatchLabels = serverLabels },
                    PodMetricsEndpoints = [new PodMetricsEndpoint { Port = VllmPodTemplate.PortName, Path = "/metrics", Interval = "15s" }],
                },
            },
            ScaledObjectFor(server, request, name, workload),
        };
        var fleetYaml = GatewayConfig.WithKubernetesService(server, ns, name, request);
        var header = $"# {server.ModelId} ({server.Plan.Quantization}) on {server.Plan.Hardware!.Id}: {request.Replicas} replica(s) of {server.GpusPerReplica} GPUs " +
            $"over {server.Nodes} node(s) (TP {server.TensorParallelSize}, PP {server.PipelineParallelSize}, DP {server.DataParallelSize}). Written by llmfleet deploy.\n";
        return
        [
            new DeployFile("vllm.yaml", header + ManifestYaml.SerializeAll(vllm)),
            new DeployFile("gateway.yaml", "# LLM Fleet gateway, discovering the vLLM pods through EndpointSlices. Written by llmfleet deploy.\n" +
                ManifestYaml.SerializeAll(GatewayObjects.Build(ns, fleetYaml, request.Image))),
            new DeployFile("fleet.yaml", fleetYaml),
        ];
    }

    private static V1Deployment DeploymentFor(VllmServer server, DeployRequest request, string name, Dictionary<string, string> labels) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = request.Namespace, Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = request.Replicas,
            Selector = new V1LabelSelector { MatchLabels = labels },
            // Start a new pod before stopping an old one only when GPUs are free for it; with every GPU in use,
            // replace one at a time.
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 1 },
            },
            Template = VllmPodTemplate.Build(server, labels, [.. server.ImageArgs], servesHttp: true),
        },
    };

    private static LeaderWorkerSet LeaderWorkerSetFor(VllmServer server, DeployRequest request, string name)
    {
        var c = CultureInfo.InvariantCulture;
        // vLLM's multiprocessing multi-node mode replaces Ray: every pod runs `vllm serve` with the same parallel
        // sizes, the leader as node 0 serving HTTP, the workers headless. LWS injects the leader's address and each
        // pod's index; Kubernetes expands $(VAR) in args.
        var shared = new List<string> { server.Model };
        shared.AddRange(WithoutRayBackend(server.Args));
        shared.AddRange(["--port", VllmServer.Port.ToString(c), "--nnodes", server.Nodes.ToString(c), "--master-addr", "$(LWS_LEADER_ADDRESS)"]);
        var leaderArgs = new List<string>(shared) { "--node-rank", "0" };
        var workerArgs = new List<string>(shared) { "--node-rank", "$(LWS_WORKER_INDEX)", "--headless" };
        return new LeaderWorkerSet
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = request.Namespace, Labels = KubernetesLabels.For("vllm", name) },
            Spec = new LeaderWorkerSetSpec
            {
                Replicas = request.Replicas,
                LeaderWorkerTemplate = new LeaderWorkerTemplate
                {
                    Size = server.Nodes,
                    RestartPolicy = "RecreateGroupOnPodRestart",
                    LeaderTemplate = VllmPodTemplate.Build(server, KubernetesLabels.For("vllm", name, KubernetesLabels.ServerRole), leaderArgs, servesHttp: true),
                    WorkerTemplate = VllmPodTemplate.Build(server, KubernetesLabels.For("vllm", name, KubernetesLabels.WorkerRole), workerArgs, servesHttp: false),
                },
            },
        };
    }

    private static IEnumerable<string> WithoutRayBackend(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--distributed-executor-backend" && i + 1 < args.Count)
            {
                i++;
                continue;
            }
            yield return args[i];
        }
    }

    private static ScaledObject ScaledObjectFor(VllmServer server, DeployRequest request, string name, IKubernetesObject workload)
    {
        var c = CultureInfo.InvariantCulture;
        return new ScaledObject
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = request.Namespace, Labels = KubernetesLabels.For("vllm", name) },
            Spec = new ScaledObjectSpec
            {
                ScaleTargetRef = new ScaleTargetRef { ApiVersion = workload.ApiVersion, Kind = workload.Kind, Name = name },
                MinReplicaCount = request.Replicas,
                MaxReplicaCount = request.Replicas * 2,
                PollingInterval = 15,
                // A new replica takes as long as its weights take to load; do not give one back sooner.
                CooldownPeriod = Math.Max(300, server.StartupSeconds),
                Triggers =
                [
                    new ScaleTrigger
                    {
                        Type = "prometheus",
                        Metadata = new Dictionary<string, string>
                        {
                            ["serverAddress"] = PrometheusAddress,
                            ["query"] = $"sum(vllm:num_requests_waiting{{namespace=\"{request.Namespace}\",pod=~\"{name}-.*\"}})",
                            ["threshold"] = WaitingRequestsPerReplica.ToString(c),
                        },
                    },
                ],
            },
        };
    }
}
