using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Commands.Keys;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Access.Ledger;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Usage;

/// <summary><c>llmfleet usage [--by key|team|model|provider|day] [--since DATE]</c>: the ledger summed: tokens, dollars
/// (each row's recorded cost) and the spillover share (requests answered by a fallback pool).</summary>
internal sealed class UsageCommand(CliConsole console) : AsyncCommand<UsageCommand.Settings>
{
    public sealed class Settings : FleetStoreSettings
    {
        [CommandOption("--by <GROUP>")]
        [Description("key (default), team, model, provider (self-hosted or the provider's host) or day (UTC).")]
        public string By { get; init; } = "key";

        [CommandOption("--since <DATE>")]
        [Description("Only requests from this date (yyyy-MM-dd, UTC) or ISO 8601 time on.")]
        public string? Since { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UsageGrouping by;
        try
        {
            by = UsageGroupings.Parse(settings.By);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--" + e.Message);
        }
        DateTimeOffset? since = settings.Since is null ? null : KeysCreateCommand.ParseDate(settings.Since, "--since");
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var totals = await fleet.Store.QueryUsageAsync(by, since, cancellationToken);
        if (settings.Json)
        {
            CliJson.Write(console, totals, CliJson.Context.IReadOnlyListUsageTotal);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn(settings.By);
        if (by == UsageGrouping.Key)
        {
            table.AddColumn("name");
        }
        foreach (var column in new[] { "requests", "prompt tokens", "completion tokens", "cost (USD)", "spilled", "external" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var t in totals)
        {
            var cells = new List<string> { Markup.Escape(t.Group) };
            if (by == UsageGrouping.Key)
            {
                cells.Add(Markup.Escape(t.Name ?? "-"));
            }
            cells.AddRange([t.Requests.ToString("N0", c), t.PromptTokens.ToString("N0", c), t.CompletionTokens.ToString("N0", c), t.CostUsd.ToString("0.00####", c),
                t.SpillShare.ToString("0.0%", c), t.ExternalRequests.ToString("N0", c)]);
            table.AddRow(cells.ToArray());
        }
        console.Ansi.Write(table);
        if (fleet.Access.PricePerMillionPrompt == 0 && fleet.Access.PricePerMillionCompletion == 0)
        {
            console.Ansi.MarkupLine("[grey]cost: no internal price set for self-hosted tokens (usage.price_per_million or models[].prices in the fleet file)[/]");
        }
        return ExitCodes.Success;
    }
}
