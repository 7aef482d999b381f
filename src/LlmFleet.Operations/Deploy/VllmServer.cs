using System.Text;
using LlmFleet.Planning;

namespace LlmFleet.Operations.Deploy;

/// <summary>
/// The one vLLM server a plan describes, as every target needs it: the pinned image, the model and the plan's
/// <c>vllm serve</c> arguments, its GPUs per replica and per node, and the start-up allowance for its weights.
/// </summary>
internal sealed record VllmServer
{
    /// <summary>The port vLLM listens on inside its container (its default).</summary>
    public const int Port = 8000;

    /// <summary>Where the vLLM image keeps the Hugging Face cache.</summary>
    public const string HfCachePath = "/root/.cache/huggingface";

    public required string ModelId { get; init; }

    /// <summary>DNS-label form of the model id (<c>glm-5.2</c> → <c>glm-5-2</c>), for object and service names.</summary>
    public required string Slug { get; init; }

    /// <summary>What vLLM serves: a Hugging Face repository or a path.</summary>
    public required string Model { get; init; }

    /// <summary>Arguments after <c>vllm serve MODEL</c>, exactly as the plan gives them.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    public required string Image { get; init; }

    public required int GpusPerReplica { get; init; }

    public required int Nodes { get; init; }

    public int GpusPerNode => GpusPerReplica / Nodes;

    public required int TensorParallelSize { get; init; }

    public required int PipelineParallelSize { get; init; }

    public required int DataParallelSize { get; init; }

    /// <summary>GPUs one host of the planned kind holds (8 for HGX servers).</summary>
    public required int HostGpus { get; init; }

    public required int StartupSeconds { get; init; }

    public required long ShmBytes { get; init; }

    public required DeploymentPlan Plan { get; init; }

    /// <summary>Arguments for the image (whose entrypoint is <c>vllm serve</c>): model, the plan's flags, the port.</summary>
    public IReadOnlyList<string> ImageArgs => [Model, .. Args, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <exception cref="DeployException">The plan does not fit, or is not a vLLM plan on NVIDIA GPUs.</exception>
    public static VllmServer From(DeploymentPlan plan)
    {
        if (!plan.Fits)
        {
            throw new DeployException($"the plan for {plan.ModelId} does not fit; nothing to deploy");
        }
        if (plan.Engine != "vllm")
        {
            throw new DeployException($"deploy writes vLLM artefacts, but this plan runs {plan.Engine} (format {plan.Quantization}); choose a format vLLM serves, such as fp8 or bf16");
        }
        if (plan.Hardware is not { } hardware || hardware.Vendor != "nvidia")
        {
            throw new DeployException($"deploy reserves NVIDIA GPUs (nvidia.com/gpu, the NVIDIA container toolkit); {plan.Hardware?.Name ?? "this hardware"} is not supported yet");
        }
        var words = CommandWords.Split(plan.Command);
        if (words.Count < 3 || words[0] != "vllm" || words[1] != "serve")
        {
            throw new DeployException($"unexpected launch command for a vLLM plan: {plan.Command}");
        }
        return new VllmServer
        {
            ModelId = plan.ModelId,
            Slug = Slugify(plan.ModelId),
            Model = words[2],
            Args = [.. words.Skip(3)],
            Image = $"{DeployDefaults.VllmImageRepository}:{DeployDefaults.VllmImageTag(plan.ModelId)}",
            GpusPerReplica = plan.Gpus,
            Nodes = Math.Max(1, plan.Nodes),
            TensorParallelSize = plan.TensorParallelSize,
            PipelineParallelSize = plan.PipelineParallelSize,
            DataParallelSize = plan.DataParallelSize,
            HostGpus = hardware.GpusPerNode,
            StartupSeconds = DeployDefaults.StartupSeconds(plan.WeightsBytes / Math.Max(1, plan.Nodes)),
            ShmBytes = DeployDefaults.ShmBytes,
            Plan = plan,
        };
    }

    private static string Slugify(string id)
    {
        var s = new StringBuilder();
        foreach (var c in id.ToLowerInvariant())
        {
            s.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }
        return s.ToString().Trim('-');
    }
}
