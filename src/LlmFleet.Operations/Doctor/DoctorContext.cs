using LlmFleet.Operations.Doctor.Host;
using LlmFleet.Operations.Doctor.Nvidia;
using LlmFleet.Operations.Doctor.Python;
using LlmFleet.Operations.Download;

namespace LlmFleet.Operations.Doctor;

/// <summary>
/// What the checks share: the options, the host's files and commands, and facts several checks need, each
/// gathered once (nvidia-smi, Python, the planner's figures for the model).
/// </summary>
public sealed class DoctorContext
{
    private readonly Lazy<Task<NvidiaSmiSnapshot>> _nvidia;
    private readonly Lazy<Task<PythonEnvironment>> _python;
    private readonly Lazy<Task<ModelNeeds>> _needs;

    public DoctorContext(DoctorOptions options, ICommandRunner commands, HostFiles files, IModelNeedsSource? needs = null)
    {
        Options = options;
        Commands = commands;
        Files = files;
        Engine = DoctorData.Engines.TryGetValue(options.Engine, out var engine)
            ? engine
            : throw new ArgumentException($"unknown engine '{options.Engine}' (expected one of: {string.Join(", ", DoctorData.Engines.Keys)})");
        _nvidia = new(() => NvidiaSmiProbe.RunAsync(commands, CancellationToken.None));
        _python = new(() => PythonProbe.RunAsync(commands, engine.Packages, CancellationToken.None));
        needs ??= new PlannerModelNeeds();
        _needs = new(async () => options.Model is null
            ? ModelNeeds.None("no model named (pass a model id and --quant)")
            : await needs.GetAsync(this));
    }

    public DoctorOptions Options { get; }

    public ICommandRunner Commands { get; }

    public HostFiles Files { get; }

    public EngineRequirements Engine { get; }

    public Task<NvidiaSmiSnapshot> NvidiaSmiAsync() => _nvidia.Value;

    public Task<PythonEnvironment> PythonAsync() => _python.Value;

    /// <summary>What the named model needs here, from the planner; <see cref="ModelNeeds.Absent"/> says why not.</summary>
    public Task<ModelNeeds> ModelNeedsAsync() => _needs.Value;

    /// <summary>System RAM and swap from /proc/meminfo; null where it cannot be read.</summary>
    public MemInfo? Memory => MemInfo.Parse(Files.Read("/proc/meminfo"));

    /// <summary>Where the weights live: --model-dir, else the Hugging Face cache as huggingface_hub resolves it.</summary>
    public string ModelDirectory => Options.ModelDir ?? HubCachePath.Default();
}
