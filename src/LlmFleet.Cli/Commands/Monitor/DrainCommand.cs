using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>llmfleet drain BACKEND --gateway URL [--wait] [--undrain]</c>: a restart window for one vLLM server. The gateway
/// sends it no new requests; requests in flight finish. <c>--wait</c> returns once none is left (safe to restart).
/// </summary>
internal sealed class DrainCommand(CliConsole console, TimeProvider time) : AsyncCommand<DrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<backend>")]
        [Description("The backend's id (from `llmfleet top`), host:port or URL.")]
        public string Backend { get; init; } = "";

        [CommandOption("--gateway <URL>")]
        [Description("The gateway routing to the backend.")]
        public string? Gateway { get; init; }

        [CommandOption("--admin-key <KEY>")]
        [Description("The gateway's admin key (default: $LLMFLEET_ADMIN_KEY; prefer the variable, a command line is visible to other users).")]
        public string? AdminKey { get; init; }

        [CommandOption("--undrain")]
        [Description("End the restart window: take requests again.")]
        public bool Undrain { get; init; }

        [CommandOption("--wait")]
        [Description("Wait until no request is in flight on it.")]
        public bool Wait { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("Longest wait with --wait (default 600); exit 1 if requests are still in flight then.")]
        public double Timeout { get; init; } = 600;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var gateway = new GatewayAdminClient(settings.Gateway ?? throw new UsageException("--gateway URL is required"), settings.AdminKey);
        var view = await gateway.DrainAsync(settings.Backend, !settings.Undrain, cancellationToken);
        if (settings.Undrain)
        {
            console.Ansi.MarkupLine($"Backend {view.Id} ({Markup.Escape(view.Name)}) takes requests again: {Markup.Escape(view.Status)}.");
            return ExitCodes.Success;
        }
        console.Ansi.MarkupLine($"Backend {view.Id} ({Markup.Escape(view.Name)}) is draining: no new requests, {view.InFlight} in flight.");
        if (!settings.Wait)
        {
            return ExitCodes.Success;
        }
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(settings.Timeout);
        while (view.InFlight > 0)
        {
            if (time.GetUtcNow() > deadline)
            {
                console.Ansi.MarkupLine($"[yellow]{view.InFlight} request(s) still in flight after {settings.Timeout.ToString(CultureInfo.InvariantCulture)} s[/]; restarting now would cut them off.");
                return ExitCodes.No;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            view = (await gateway.FleetAsync(cancellationToken)).AllBackends().First(b => b.Name == view.Name);
        }
        console.Ansi.MarkupLine($"[green]Drained:[/] nothing in flight on {Markup.Escape(view.Name)}; safe to restart. Afterwards: llmfleet drain {view.Id} --gateway {Markup.Escape(gateway.Gateway.ToString())} --undrain");
        return ExitCodes.Success;
    }
}
