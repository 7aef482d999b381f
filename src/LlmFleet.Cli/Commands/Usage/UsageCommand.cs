using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Commands.Keys;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Access.Ledger;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Usage;

/// <summary><c>llmfleet usage [--by key|model|day] [--since DATE]</c>: the ledger summed, with cost at the internal price.</summary>
internal sealed class UsageCommand(CliConsole console) : AsyncCommand<UsageCommand.Settings>
{
    public sealed class Settings : FleetStoreSettings
    {
        [CommandOption("--by <GROUP>")]
        [Description("key (default), model or day (UTC).")]
        public string By { get; init; } = "key";

        [CommandOption("--since <DATE>")]
        [Description("Only requests from this date (yyyy-MM-dd, UTC) or ISO 8601 time on.")]
        public string? Since { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var by = settings.By switch
        {
            "key" => UsageGrouping.Key,
            "model" => UsageGrouping.Model,
            "day" => UsageGrouping.Day,
            _ => throw new UsageException($"--by: '{settings.By}' is not key, model or day"),
        };
        DateTimeOffset? since = settings.Since is null ? null : KeysCreateCommand.ParseDate(settings.Since, "--since");
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var totals = UsagePricing.Priced(await fleet.Store.QueryUsageAsync(by, since, cancellationToken), fleet.Access);
        if (settings.Json)
        {
            CliJson.Write(console, totals);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn(settings.By);
        if (by == UsageGrouping.Key)
        {
            table.AddColumn("name");
        }
        foreach (var column in new[] { "requests", "prompt tokens", "completion tokens", "cost" })
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
            cells.AddRange([t.Requests.ToString("N0", c), t.PromptTokens.ToString("N0", c), t.CompletionTokens.ToString("N0", c), t.Cost.ToString("0.00##", c)]);
            table.AddRow(cells.ToArray());
        }
        console.Ansi.Write(table);
        if (fleet.Access.PricePerMillionPrompt == 0 && fleet.Access.PricePerMillionCompletion == 0)
        {
            console.Ansi.MarkupLine("[grey]cost: no internal price set (usage.price_per_million in the fleet file)[/]");
        }
        return ExitCodes.Success;
    }
}
