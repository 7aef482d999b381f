using LlmFleet.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary><c>llmfleet keys show &lt;id | name&gt;</c>.</summary>
internal sealed class KeysShowCommand(CliConsole console, TimeProvider time) : AsyncCommand<KeyArgumentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyArgumentSettings settings, CancellationToken cancellationToken)
    {
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var key = await (await fleet.AdministrationAsync(time, cancellationToken)).ShowAsync(settings.Key, cancellationToken)
            ?? throw new UsageException($"no key with id or name '{settings.Key}' (see `llmfleet keys list`)");
        if (settings.Json)
        {
            CliJson.Write(console, key, CliJson.Context.KeyView);
        }
        else
        {
            KeyRendering.Details(console, key);
        }
        return ExitCodes.Success;
    }
}
