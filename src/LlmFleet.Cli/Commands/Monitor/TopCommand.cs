using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Monitoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>llmfleet top --gateway URL</c> (or <c>--backend URL …</c> without a gateway): the fleet as a live terminal
/// table, refreshed until Ctrl+C; <c>--once</c> prints one refresh and exits (scripts, tests).
/// </summary>
internal sealed class TopCommand(CliConsole console, TimeProvider time) : AsyncCommand<TopCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--gateway <URL>")]
        [Description("The gateway whose fleet to show (its /admin/fleet).")]
        public string? Gateway { get; init; }

        [CommandOption("--admin-key <KEY>")]
        [Description("The gateway's admin key (default: $LLMFLEET_ADMIN_KEY; prefer the variable, a command line is visible to other users).")]
        public string? AdminKey { get; init; }

        [CommandOption("--backend <URL>")]
        [Description("A vLLM server to watch directly, without a gateway; repeat for several.")]
        public string[] Backends { get; init; } = [];

        [CommandOption("--interval <SECONDS>")]
        [Description("Seconds between refreshes (default 2).")]
        public double Interval { get; init; } = 2;

        [CommandOption("--once")]
        [Description("Print one refresh and exit.")]
        public bool Once { get; init; }

        [CommandOption("--json")]
        [Description("With --once: the fleet snapshot as JSON.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if ((settings.Gateway is null) == (settings.Backends.Length == 0))
        {
            throw new UsageException("give either --gateway URL or one or more --backend URL");
        }
        if (!(settings.Interval >= 0.1) || double.IsInfinity(settings.Interval))
        {
            throw new UsageException($"--interval must be at least 0.1 seconds, got {settings.Interval.ToString(CultureInfo.InvariantCulture)}");
        }
        if (settings.Json && !settings.Once)
        {
            throw new UsageException("--json needs --once (the live view is for people)");
        }
        var interval = TimeSpan.FromSeconds(settings.Interval);
        using var gateway = settings.Gateway is { } g ? new GatewayAdminClient(g, settings.AdminKey) : null;
        using var direct = gateway is null ? new DirectFleet(settings.Backends, interval, time) : null;
        var source = gateway?.Gateway.ToString() ?? string.Join(", ", settings.Backends);

        async Task<FleetSnapshot> RefreshAsync(CancellationToken ct) => gateway is not null ? await gateway.FleetAsync(ct) : await direct!.RefreshAsync(ct);

        if (settings.Once)
        {
            var fleet = await RefreshAsync(cancellationToken);
            if (direct is not null)
            {
                // Rates need two scrapes.
                await Task.Delay(interval, time, cancellationToken);
                fleet = await RefreshAsync(cancellationToken);
            }
            if (settings.Json)
            {
                console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(fleet, MonitoringJsonContext.Default.FleetSnapshot));
            }
            else
            {
                console.Ansi.Write(FleetTable.Render(fleet, source));
            }
            return ExitCodes.Success;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var first = await RefreshAsync(stop.Token);
            await console.Ansi.Live(FleetTable.Render(first, source)).AutoClear(false).StartAsync(async live =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(interval, time, stop.Token);
                    live.UpdateTarget(FleetTable.Render(await RefreshAsync(stop.Token), source));
                }
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return ExitCodes.Success;
    }
}
