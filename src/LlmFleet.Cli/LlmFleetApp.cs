using System.Diagnostics.CodeAnalysis;
using LlmFleet.Catalog;
using LlmFleet.Cli.Commands.Cost;
using LlmFleet.Cli.Commands.Models;
using LlmFleet.Cli.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace LlmFleet.Cli;

/// <summary>The <c>llmfleet</c> command tree. Each command lives in its own file under <c>Commands/</c>.</summary>
public static class LlmFleetApp
{
    // Spectre.Console.Cli binds settings by reflection; the AOT build roots this assembly and Spectre's, and the CLI's
    // tests run against that binary (LLMFLEET_TEST_CLI).
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Settings types are rooted; no generic instance is made at run time.")]
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        services.AddSingleton(console);
        services.AddSingleton(TimeProvider.System);

        var registrar = new TypeRegistrar(services);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("llmfleet");
            config.Settings.Console = console.Ansi;
            config.PropagateExceptions();
            // An unknown option is an error, not a remaining argument nobody reads: relaxed parsing let
            // `plan m --qaunt fp8` plan bf16 with exit code 0. No command reads context.Remaining.
            config.UseStrictParsing();
            config.AddBranch("models", models =>
            {
                models.SetDescription("Built-in models and exact parameter counts from config.json.");
                models.SetDefaultCommand<ModelsListCommand>();
                models.AddCommand<ModelsShowCommand>("show")
                    .WithDescription("Parameter breakdown of a catalog model, a config.json, or a folder holding one.")
                    .WithExample("models", "show", "glm-5.2", "--json");
            });
            config.AddCommand<Commands.Verify.VerifyCommand>("verify").WithDescription("Check safetensors/GGUF structure and SHA-256 of every file in a model folder.");
            config.AddCommand<Commands.Doctor.DoctorCommand>("doctor").WithDescription("Check this host before serving: driver and CUDA, GPUs, Python, RAM, disk, /dev/shm, limits, and whether the model fits.");
            config.AddCommand<CostCommand>("cost").WithDescription("Own vs rent vs commercial API: monthly cost, cost per million tokens, break-even, recommendation.");
            config.AddCommand<Commands.Plan.PlanCommand>("plan").WithDescription("Memory, fit, parallelism, offload, tokens/s and the exact launch command for a model on given hardware.");
            config.AddCommand<Commands.Plan.QuantsCommand>("quants").WithDescription("Weight formats: bits per weight by tensor class, engines; with a model, its size in each.");
            config.AddCommand<Commands.Plan.HardwareCommand>("hardware").WithDescription("GPUs and Apple chips the planner knows: memory, bandwidth, TFLOP/s, interconnect, TDP, price, sources.");
            config.AddCommand<Commands.Deploy.DeployCommand>("deploy").WithDescription("Ready-to-apply compose, systemd, Kubernetes or production-stack files (and a README) for a plan.");
            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("API keys of the gateway, in the store the fleet file names: create, list, show, revoke, rotate.");
                keys.AddCommand<Commands.Keys.KeysCreateCommand>("create").WithDescription("A new key (printed once) with optional team, models, rpm, tpm, parallel, budgets, expiry.")
                    .WithExample("keys", "create", "--config", "fleet.yaml", "--name", "search-app", "--rpm", "60", "--json");
                keys.AddCommand<Commands.Keys.KeysListCommand>("list").WithDescription("Every key, masked, with limits and status.");
                keys.AddCommand<Commands.Keys.KeysShowCommand>("show").WithDescription("One key by id or name.");
                keys.AddCommand<Commands.Keys.KeysRevokeCommand>("revoke").WithDescription("Revoke a key; gateways refuse it within their key refresh interval.");
                keys.AddCommand<Commands.Keys.KeysRotateCommand>("rotate").WithDescription("A new key for the same id and limits; the old one stops working.");
            });
            config.AddCommand<Commands.Usage.UsageCommand>("usage").WithDescription("The usage ledger by key, model or day, with cost at the internal price per million tokens.");
            config.AddCommand<Commands.Serve.ServeCommand>("serve").WithDescription("The OpenAI-compatible gateway for the vLLM backends of a fleet.yaml (hot reload), until Ctrl+C.");
            config.AddCommand<Commands.Serve.UpCommand>("up").WithDescription("Three vLLM twins of GLM-5.2 FP8 (simulated 8×H200 nodes) behind the gateway; prints the endpoint and a curl line.");
            config.AddCommand<Commands.Download.DownloadCommand>("download").WithDescription("Download a model from the Hugging Face Hub or a mirror: parallel, resumable, verified, into a folder or the hub cache.");
            config.AddCommand<Commands.Sim.SimCommand>("sim").WithDescription("vLLM twins: K simulated vLLM servers on real ports, timed by the planner for a model on given GPUs, with faults on demand (until Ctrl+C).");
            config.AddCommand<Commands.Monitor.TopCommand>("top").WithDescription("Live fleet view: health, queue, KV cache, tokens/s, TTFT, errors, GPUs, alerts (--gateway URL or --backend URL ...).");
            config.AddCommand<Commands.Monitor.DiagnoseCommand>("diagnose").WithDescription("Check the fleet for the usual causes of timeouts and failures; prints evidence, likely cause and fix.");
            config.AddCommand<Commands.Monitor.DrainCommand>("drain").WithDescription("Restart window: stop sending new requests to a backend (--wait until none in flight, --undrain to end).");
            config.AddBranch("alerts", alerts =>
            {
                alerts.SetDescription("The gateway's alert rules for your own Prometheus and Grafana.");
                alerts.AddCommand<Commands.Monitor.AlertsExportCommand>("export").WithDescription("Write the alert rules (Prometheus rules file) and a Grafana dashboard JSON to --out DIR.");
            });
            config.AddCommand<Commands.Version.VersionCommand>("version").WithDescription("Version, commit, .NET runtime, OS and architecture of this llmfleet (also: llmfleet --version).");
            // Further commands register here, one line each.
        });

        // `llmfleet --version` is what every installer's smoke test types; it is the version command.
        if (args is ["--version"])
        {
            args = ["version"];
        }

        // Strict parsing still lets anything after "--" through as remaining arguments, and no command passes
        // arguments on to another program: `plan m -- --quant fp8` would drop --quant just as silently.
        var dashes = Array.IndexOf(args, "--");
        if (dashes >= 0 && dashes < args.Length - 1)
        {
            await console.Error.WriteLineAsync($"error: unexpected argument '{args[dashes + 1]}' after '--': no llmfleet command passes arguments through");
            return ExitCodes.BadInput;
        }

        try
        {
            return await app.RunAsync(args, cancellationToken);
        }
        catch (CommandParseException e)
        {
            // Unknown option or command: named, with the closest known one (ParseErrors).
            await console.Error.WriteLineAsync($"error: {ParseErrors.Describe(e, args, registrar.Model)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (IsUsageError(e))
        {
            await console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Errors in what the user gave us: reported as one line, exit code 2, never a stack trace.</summary>
    private static bool IsUsageError(Exception e) =>
        e is UsageException or CatalogException or Planning.PlanningException or CommandRuntimeException
            or FileNotFoundException or DirectoryNotFoundException or FormatException;
}
