using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary><c>llmfleet keys list</c>: every key, masked, with its limits and status.</summary>
internal sealed class KeysListCommand(CliConsole console, TimeProvider time) : AsyncCommand<FleetStoreSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, FleetStoreSettings settings, CancellationToken cancellationToken)
    {
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var keys = await (await fleet.AdministrationAsync(time, cancellationToken)).ListAsync(cancellationToken);
        if (settings.Json)
        {
            CliJson.Write(console, keys, CliJson.Context.IReadOnlyListKeyView);
            return ExitCodes.Success;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("id", "name", "team", "key", "models", "limits", "status");
        foreach (var k in keys)
        {
            table.AddRow(k.Id, Markup.Escape(k.Name), Markup.Escape(k.Team ?? "-"), k.Masked,
                Markup.Escape(k.Models.Count == 0 ? "all" : string.Join(", ", k.Models)), KeyRendering.Limits(k), k.Status);
        }
        console.Ansi.Write(table);
        console.Ansi.MarkupLine($"{keys.Count} keys in {Markup.Escape(fleet.Store.Description)}");
        return ExitCodes.Success;
    }
}
