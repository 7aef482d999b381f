using System.Globalization;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// The pod that runs one vLLM process: the pinned image, this node's share of the GPUs, <c>/dev/shm</c> in memory,
/// the Hugging Face cache from the node, <c>HF_TOKEN</c> from the <c>hf-token</c> Secret, and (on pods that serve
/// HTTP) a startup probe long enough to load the weights.
/// </summary>
internal static class VllmPodTemplate
{
    public const string HfTokenSecret = "hf-token";
    public const string PortName = "http";

    public static V1PodTemplateSpec Build(VllmServer server, IDictionary<string, string> labels, IList<string> args, bool servesHttp)
    {
        var c = CultureInfo.InvariantCulture;
        var health = new V1HTTPGetAction { Path = "/health", Port = PortName };
        var container = new V1Container
        {
            Name = "vllm",
            Image = server.Image,
            Args = args,
            Ports = servesHttp ? [new V1ContainerPort { Name = PortName, ContainerPort = VllmServer.Port, Protocol = "TCP" }] : null,
            Env =
            [
                new V1EnvVar
                {
                    Name = "HF_TOKEN",
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = HfTokenSecret, Key = "HF_TOKEN", Optional = true } },
                },
            ],
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(server.GpusPerNode.ToString(c)) },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "dshm", MountPath = "/dev/shm" },
                new V1VolumeMount { Name = "hf-cache", MountPath = VllmServer.HfCachePath },
            ],
            // Loading hundreds of GB: liveness and readiness wait until this has passed once.
            StartupProbe = servesHttp ? new V1Probe
            {
                HttpGet = health,
                PeriodSeconds = 10,
                FailureThreshold = Math.Max(1, server.StartupSeconds / 10),
            } : null,
            ReadinessProbe = servesHttp ? new V1Probe { HttpGet = health, PeriodSeconds = 5, FailureThreshold = 3 } : null,
            LivenessProbe = servesHttp ? new V1Probe { HttpGet = health, PeriodSeconds = 10, FailureThreshold = 6 } : null,
        };
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = labels },
            Spec = new V1PodSpec
            {
                Containers = [container],
                TerminationGracePeriodSeconds = 60,
                Volumes =
                [
                    // Tensor-parallel workers communicate through shared memory; the container default of 64 MB is far too small.
                    new V1Volume
                    {
                        Name = "dshm",
                        EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity(server.ShmBytes % (1L << 30) == 0 ? $"{(server.ShmBytes >> 30).ToString(c)}Gi" : server.ShmBytes.ToString(c)) },
                    },
                    // The node's cache survives pod restarts, so a restart reads the weights instead of downloading them.
                    new V1Volume
                    {
                        Name = "hf-cache",
                        HostPath = new V1HostPathVolumeSource { Path = "/var/cache/huggingface", Type = "DirectoryOrCreate" },
                    },
                ],
            },
        };
    }
}
