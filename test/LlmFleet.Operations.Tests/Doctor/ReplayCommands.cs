using LlmFleet.Operations.Doctor.Host;

namespace LlmFleet.Operations.Tests.Doctor;

/// <summary>
/// Replays recorded output of real commands (testassets/nvidia-smi) for the commands given; every other command
/// runs for real (python3) or is reported as not installed.
/// </summary>
internal sealed class ReplayCommands : ICommandRunner
{
    private readonly Dictionary<string, CommandResult> _recorded = new(StringComparer.Ordinal);
    private readonly bool _runOthers;

    public ReplayCommands(bool runOthers = false) => _runOthers = runOthers;

    /// <summary>nvidia-smi's CSV query answers with this sample file's text; plain nvidia-smi with the banner file's.</summary>
    public ReplayCommands NvidiaSmi(string csvAsset, string? bannerAsset = null)
    {
        _recorded["nvidia-smi --query-gpu"] = new CommandResult(0, File.ReadAllText(TestPaths.Asset("nvidia-smi", csvAsset)), "");
        _recorded["nvidia-smi"] = new CommandResult(0, bannerAsset is null ? "" : File.ReadAllText(TestPaths.Asset("nvidia-smi", bannerAsset)), "");
        return this;
    }

    public ReplayCommands NvidiaSmiCsv(string csv, string banner = "")
    {
        _recorded["nvidia-smi --query-gpu"] = new CommandResult(0, csv, "");
        _recorded["nvidia-smi"] = new CommandResult(0, banner, "");
        return this;
    }

    public ReplayCommands Record(string key, CommandResult result)
    {
        _recorded[key] = result;
        return this;
    }

    public Task<CommandResult> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var key = arguments.Count > 0 && arguments[0].StartsWith("--query-gpu", StringComparison.Ordinal) ? $"{command} --query-gpu" : command;
        if (_recorded.TryGetValue(key, out var result))
        {
            return Task.FromResult(result);
        }
        return _runOthers ? new ProcessCommandRunner().RunAsync(command, arguments, cancellationToken) : Task.FromResult(CommandResult.Missing(command));
    }
}
