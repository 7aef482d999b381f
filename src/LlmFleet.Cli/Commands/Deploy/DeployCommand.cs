using System.ComponentModel;
using LlmFleet.Cli.Commands.Plan;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Operations.Deploy;
using LlmFleet.Planning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Deploy;

/// <summary>
/// <c>llmfleet deploy &lt;model&gt; --gpu G [plan options] --target T --replicas N --out DIR</c>: plans as
/// <c>plan</c> does, then writes ready-to-apply files for the target and a README into a new folder. Exit code 1
/// when the plan does not fit, 2 when the request does not suit the target.
/// </summary>
internal sealed class DeployCommand(CliConsole console) : Command<DeployCommand.Settings>
{
    /// <summary>The plan options (the same names and defaults as <c>plan</c>'s) and where the files go.</summary>
    public sealed class Settings : PlanSettings
    {
        [CommandOption("--target")]
        [Description("compose, systemd, kubernetes or production-stack.")]
        public string? Target { get; init; }

        [CommandOption("--replicas")]
        [Description("Copies of the planned server behind the gateway. Default: 1.")]
        public int Replicas { get; init; } = 1;

        [CommandOption("--namespace")]
        [Description("Kubernetes namespace of the objects. Default: default.")]
        public string Namespace { get; init; } = "default";

        [CommandOption("--gateway-image")]
        [Description("The gateway's image. Default: llmfleet:<this version>, which the bundle's README builds.")]
        public string? GatewayImage { get; init; }

        [CommandOption("--repo")]
        [Description("A checkout of the llmfleet repository: compose bundles build the gateway image from it (build:).")]
        public string? Repo { get; init; }

        [CommandOption("--tokens-per-day")]
        [Description("Expected use: fleet.yaml prices the pool's tokens (the usage ledger's dollars) at what `llmfleet cost` finds for this plan and use.")]
        public double? TokensPerDay { get; init; }

        [CommandOption("--price-option")]
        [Description("Which of cost's options prices the pool with --tokens-per-day: buy (owned GPUs, default) or rent.")]
        public string PriceOption { get; init; } = "buy";

        [CommandOption("--out")]
        [Description("A new or empty folder for the files.")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Target is null || !DeployTargets.TryParse(settings.Target, out var target))
        {
            throw new UsageException($"--target must be one of {string.Join(", ", DeployTargets.All)}" + (settings.Target is null ? "" : $" (got '{settings.Target}')"));
        }
        if (string.IsNullOrWhiteSpace(settings.Out))
        {
            throw new UsageException("--out is required: the folder the files are written to");
        }
        if (settings.Gpu is null)
        {
            throw new UsageException("--gpu is required: the files reserve a kind of GPU (see `llmfleet hardware`); `llmfleet plan` without --gpu recommends one");
        }
        if (settings.Replicas < 1)
        {
            throw new UsageException($"--replicas must be at least 1 (got {settings.Replicas})");
        }
        if (settings.GatewayImage is { } image && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
        {
            throw new UsageException($"--gateway-image must be an image name such as registry.example.com/llmfleet:1.0 (got '{image}')");
        }
        if (settings.TokensPerDay is <= 0)
        {
            throw new UsageException($"--tokens-per-day must be positive (got {settings.TokensPerDay})");
        }
        if (settings.PriceOption is not ("buy" or "rent"))
        {
            throw new UsageException($"--price-option must be buy or rent (got '{settings.PriceOption}')");
        }
        var repo = settings.Repo is null ? null : Path.GetFullPath(settings.Repo);
        if (repo is not null && !File.Exists(Path.Combine(repo, "Dockerfile")))
        {
            throw new UsageException($"--repo must be a checkout of the llmfleet repository: {repo} has no Dockerfile");
        }
        var plan = Planner.Plan(settings.ToRequest());
        if (!plan.Fits)
        {
            console.Error.WriteLine($"error: {DoesNotFit(plan)}");
            return ExitCodes.No;
        }
        IReadOnlyList<DeployFile> files;
        try
        {
            files = Deployer.Generate(new DeployRequest(plan, target, settings.Replicas, settings.Namespace, settings.GatewayImage, repo,
                settings.TokensPerDay, settings.PriceOption));
            BundleWriter.Write(settings.Out, files);
        }
        catch (Exception e) when (e is DeployException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException(e.Message);
        }
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(settings.Target)}[/]: {settings.Replicas} × {plan.Gpus} × {Markup.Escape(plan.Hardware!.Id)} " +
            $"({Markup.Escape(plan.ModelId)} {Markup.Escape(plan.Quantization)}, TP {plan.TensorParallelSize}, PP {plan.PipelineParallelSize}, {plan.Nodes} node(s) each); " +
            $"apply as {Markup.Escape(Path.Combine(settings.Out, "README.md"))} says:");
        foreach (var f in files)
        {
            console.Ansi.WriteLine($"  {Path.Combine(settings.Out, f.Path)}");
        }
        return ExitCodes.Success;
    }

    /// <summary>The planner's reason, as <c>plan</c> reports it: what is missing and what would fit instead.</summary>
    private static string DoesNotFit(DeploymentPlan plan)
    {
        var reason = $"{plan.ModelId} ({plan.Quantization}) does not fit on {plan.Gpus} x {plan.Hardware?.Id}: {Units.Gb(plan.ShortfallBytes)} of memory missing";
        return plan.Alternatives.Count > 0 ? $"{reason}; would fit: {string.Join("; ", plan.Alternatives)}" : reason;
    }
}
