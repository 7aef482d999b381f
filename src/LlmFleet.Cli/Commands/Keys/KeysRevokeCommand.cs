using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary><c>llmfleet keys revoke &lt;id | name&gt;</c>: running gateways refuse it within their key refresh interval.</summary>
internal sealed class KeysRevokeCommand(CliConsole console, TimeProvider time) : AsyncCommand<KeyArgumentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyArgumentSettings settings, CancellationToken cancellationToken)
    {
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var key = await (await fleet.AdministrationAsync(time, cancellationToken)).RevokeAsync(settings.Key, cancellationToken)
            ?? throw new UsageException($"no key with id or name '{settings.Key}' (see `llmfleet keys list`)");
        if (settings.Json)
        {
            CliJson.Write(console, key, CliJson.Context.KeyView);
        }
        else
        {
            console.Ansi.MarkupLine($"Revoked key [bold]{key.Id}[/] ({Markup.Escape(key.Name)}, {key.Masked}); gateways refuse it within " +
                $"{fleet.Access.KeyRefresh.TotalSeconds:0.#} s.");
        }
        return ExitCodes.Success;
    }
}
