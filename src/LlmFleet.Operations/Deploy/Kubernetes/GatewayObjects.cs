using k8s;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// The gateway on the cluster: a ServiceAccount whose Role may only read and watch EndpointSlices (how it discovers
/// vLLM pods), its <c>fleet.yaml</c> in a ConfigMap, a PersistentVolumeClaim for its SQLite key store, a Deployment of
/// one pod (the store is one file; several replicas need <c>store: postgres://</c>), a Service, and a PodMonitor.
/// </summary>
internal static class GatewayObjects
{
    public const string Name = "llmfleet-gateway";

    /// <summary>An optional Secret with <c>LLMFLEET_ADMIN_KEY</c>, which turns on the admin API.</summary>
    public const string AdminSecret = "llmfleet-admin";

    public static IReadOnlyList<IKubernetesObject> Build(string ns, string fleetYaml, string image)
    {
        var labels = KubernetesLabels.For(Name, Name);
        var meta = () => new V1ObjectMeta { Name = Name, NamespaceProperty = ns, Labels = labels };
        var port = GatewayConfig.Port;
        return
        [
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = meta() },
            new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = meta(),
                Rules = [new V1PolicyRule { ApiGroups = ["discovery.k8s.io"], Resources = ["endpointslices"], Verbs = ["get", "list", "watch"] }],
            },
            new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = meta(),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = Name },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = ns }],
            },
            new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = meta(),
                Data = new Dictionary<string, string> { ["fleet.yaml"] = fleetYaml },
            },
            new V1PersistentVolumeClaim
            {
                ApiVersion = "v1",
                Kind = "PersistentVolumeClaim",
                Metadata = meta(),
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                },
            },
            new V1Deployment
            {
                ApiVersion = "apps/v1",
                Kind = "Deployment",
                Metadata = meta(),
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    // The key store's volume is ReadWriteOnce: the old pod lets go before the new one mounts it.
                    Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec
                        {
                            ServiceAccountName = Name,
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = "gateway",
                                    Image = image,
                                    Args = ["serve", "--config", "/etc/llmfleet/fleet.yaml"],
                                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = port, Protocol = "TCP" }],
                                    VolumeMounts =
                                    [
                                        new V1VolumeMount { Name = "config", MountPath = "/etc/llmfleet", ReadOnlyProperty = true },
                                        new V1VolumeMount { Name = "data", MountPath = GatewayConfig.StateDirectory },
                                    ],
                                    Env =
                                    [
                                        new V1EnvVar
                                        {
                                            Name = "LLMFLEET_ADMIN_KEY",
                                            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = AdminSecret, Key = "LLMFLEET_ADMIN_KEY", Optional = true } },
                                        },
                                    ],
                                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 5 },
                                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 10, FailureThreshold = 6 },
                                },
                            ],
                            Volumes =
                            [
                                new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = Name } },
                                new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = Name } },
                            ],
                        },
                    },
                },
            },
            new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = meta(),
                Spec = new V1ServiceSpec
                {
                    Selector = labels,
                    Ports = [new V1ServicePort { Name = "http", Port = port, TargetPort = "http", Protocol = "TCP" }],
                },
            },
            new PodMonitor
            {
                Metadata = meta(),
                Spec = new PodMonitorSpec
                {
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    PodMetricsEndpoints = [new PodMetricsEndpoint { Port = "http", Path = "/metrics", Interval = "15s" }],
                },
            },
        ];
    }
}
