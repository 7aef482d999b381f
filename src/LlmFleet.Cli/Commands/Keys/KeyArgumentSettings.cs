using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary>Options of <c>keys show|revoke|rotate &lt;id | name&gt;</c>.</summary>
public sealed class KeyArgumentSettings : FleetStoreSettings
{
    [CommandArgument(0, "<key>")]
    [Description("The key's id (key_…) or its name.")]
    public string Key { get; init; } = "";
}
