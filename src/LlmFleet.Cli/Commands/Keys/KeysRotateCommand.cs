using LlmFleet.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary><c>llmfleet keys rotate &lt;id | name&gt;</c>: a new key for the same id, limits and ledger history; the old key stops working.</summary>
internal sealed class KeysRotateCommand(CliConsole console, TimeProvider time) : AsyncCommand<KeyArgumentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyArgumentSettings settings, CancellationToken cancellationToken)
    {
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var key = await (await fleet.AdministrationAsync(time, cancellationToken)).RotateAsync(settings.Key, cancellationToken)
            ?? throw new UsageException($"no live key with id or name '{settings.Key}' (revoked keys cannot be rotated; see `llmfleet keys list`)");
        if (settings.Json)
        {
            CliJson.Write(console, key, CliJson.Context.KeyView);
        }
        else
        {
            KeyRendering.NewKey(console, key, "Rotated");
        }
        return ExitCodes.Success;
    }
}
