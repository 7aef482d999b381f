using System.ComponentModel;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Routing;
using LlmFleet.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Serve;

/// <summary>
/// <c>llmfleet up</c>: a whole fleet on this machine, no GPU needed. Three vLLM twins of GLM-5.2 FP8 (one per
/// simulated 8×H200 node) and the gateway in front of them, monitoring each twin's simulated DCGM and node exporters;
/// prints the endpoint, the dashboard with its admin key, and a curl line; Ctrl+C stops it all.
/// </summary>
internal sealed class UpCommand(CliConsole console) : AsyncCommand<UpCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--urls <URLS>")]
        [Description("Where the gateway listens. Default: http://127.0.0.1:8080.")]
        public string Urls { get; init; } = "http://127.0.0.1:8080";

        [CommandOption("--twins <N>")]
        [Description("How many twins (simulated 8×H200 nodes). Default: 3.")]
        public int Twins { get; init; } = 3;

        [CommandOption("--speed <FACTOR>")]
        [Description("Twin time scale: 1 = real GLM-5.2 speed on 8×H200, 10 = ten times faster, 0 = no waiting. Default: 1.")]
        public double Speed { get; init; } = 1;

        [CommandOption("--policy <NAME>")]
        [Description("Routing policy: round-robin, least-requests, power-of-two, least-load, prefix-affinity. Default: prefix-affinity.")]
        public string Policy { get; init; } = BackendSelectionPolicies.PrefixAffinity;

        public override ValidationResult Validate() =>
            Twins is < 1 or > 16 ? ValidationResult.Error($"--twins must be 1–16, got {Twins}")
            : !(Speed >= 0) || double.IsInfinity(Speed) ? ValidationResult.Error($"--speed must be 0 or more, got {Speed}")
            : !UpFleet.IsKnownPolicy(Policy) ? ValidationResult.Error($"unknown policy '{Policy}' (one of {string.Join(", ", BackendSelectionPolicies.All)})")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var twins = new List<RunningTwin>();
        try
        {
            for (var i = 0; i < settings.Twins; i++)
            {
                twins.Add(await TwinHost.StartAsync(UpFleet.Twin(settings.Speed, seed: i), ct: cancellationToken));
            }
            var admin = UpFleet.AdminKey();
            await using var gateway = await GatewayHost.StartAsync(
                new GatewayOptions { Config = UpFleet.Config(twins, settings.Policy, admin.Access), Urls = settings.Urls }, cancellationToken);
            console.Ansi.MarkupLine($"Started {twins.Count} vLLM twins of GLM-5.2 FP8, each a simulated 8×H200 node: " +
                Markup.Escape(string.Join(", ", twins.Select(t => t.BaseAddress.ToString().TrimEnd('/')))));
            console.Ansi.MarkupLine($"Gateway ({Markup.Escape(settings.Policy)}): [bold]{Markup.Escape(gateway.OpenAiEndpoint.ToString())}[/]  " +
                $"model [bold]{UpFleet.ModelName}[/] (aliases glm, glm-5); metrics at {Markup.Escape(new Uri(gateway.BaseAddress, "metrics").ToString())}");
            console.Ansi.MarkupLine($"Dashboard: [bold]{Markup.Escape(new Uri(gateway.BaseAddress, "dashboard/").ToString())}[/]  admin key: [bold]{Markup.Escape(admin.Key)}[/] " +
                (admin.Generated ? $"(made for this run; set {AccessConfig.DefaultAdminKeyEnv} to choose it)" : $"(from {AccessConfig.DefaultAdminKeyEnv})"));
            console.Ansi.WriteLine("Try:");
            console.Out.WriteLine("  " + UpFleet.CurlLine(gateway.OpenAiEndpoint));
            console.Out.Flush();
            console.Ansi.MarkupLine("Ctrl+C stops the gateway (streams in flight may finish), then the twins.");
            await ServeUntilStopped.WaitAsync(gateway.App, cancellationToken);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"cannot listen on {settings.Urls}: {e.Message} (choose another with --urls)");
        }
        finally
        {
            foreach (var twin in twins)
            {
                await twin.DisposeAsync();
            }
        }
        return ExitCodes.Success;
    }
}
