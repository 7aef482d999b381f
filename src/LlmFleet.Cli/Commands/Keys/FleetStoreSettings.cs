using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary>Options of every command that acts on the store named in a fleet file.</summary>
public class FleetStoreSettings : CommandSettings
{
    [CommandOption("-c|--config <FILE>")]
    [Description("The fleet file whose `store:` holds the keys and the usage ledger. Default: fleet.yaml")]
    public string Config { get; init; } = "fleet.yaml";

    [CommandOption("--json")]
    [Description("Machine-readable output.")]
    public bool Json { get; init; }
}
