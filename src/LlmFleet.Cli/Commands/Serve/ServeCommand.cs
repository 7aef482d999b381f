using System.ComponentModel;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Serve;

/// <summary><c>llmfleet serve --config fleet.yaml [--urls …]</c>: the gateway, until Ctrl+C.</summary>
internal sealed class ServeCommand(CliConsole console) : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <PATH>")]
        [Description("The fleet.yaml to serve (watched: edits apply without a restart). Default: fleet.yaml.")]
        public string Config { get; init; } = "fleet.yaml";

        [CommandOption("--urls <URLS>")]
        [Description("Listen addresses (semicolon-separated); default: the file's 'listen'.")]
        public string? Urls { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Config))
        {
            throw new UsageException($"no such file: {settings.Config} (see samples/fleet.yaml for the format)");
        }
        RunningGateway gateway;
        try
        {
            gateway = await GatewayHost.StartAsync(new GatewayOptions { ConfigPath = settings.Config, Urls = settings.Urls }, cancellationToken);
        }
        catch (FleetConfigException e)
        {
            throw new UsageException(e.Message);
        }
        await using (gateway)
        {
            var table = gateway.State.Current;
            console.Ansi.MarkupLine($"Gateway listening on [bold]{Markup.Escape(gateway.OpenAiEndpoint.ToString())}[/] " +
                $"({table.Pools.Count} models, {table.Backends.Count} backends; watching {Markup.Escape(settings.Config)}). Ctrl+C stops it.");
            await ServeUntilStopped.WaitAsync(gateway.App, cancellationToken);
            console.Ansi.MarkupLine("Stopping: requests in flight may finish for " +
                $"{Durations.Format(table.Config.ShutdownTimeout)}.");
        }
        return ExitCodes.Success;
    }
}
