using System.Globalization;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary><c>llmfleet hardware</c>: the accelerators the planner knows, with their sources, and the RAM defaults.</summary>
internal sealed class HardwareCommand(CliConsole console) : Command<HardwareCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var catalog = HardwareCatalog.Default;
        if (settings.Json)
        {
            CliJson.Write(console, new HardwareReport(catalog.All, catalog.RamTypes, catalog.DefaultRamType, catalog.DefaultRamChannels, catalog.DefaultRamNote), CliJson.Context.HardwareReport);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("id").AddColumn("name")
            .AddColumn(new TableColumn("memory").RightAligned()).AddColumn(new TableColumn("bandwidth").RightAligned())
            .AddColumn(new TableColumn("BF16 TFLOP/s").RightAligned()).AddColumn(new TableColumn("FP8 TFLOP/s").RightAligned())
            .AddColumn("interconnect").AddColumn(new TableColumn("TDP").RightAligned())
            .AddColumn(new TableColumn("price").RightAligned()).AddColumn(new TableColumn("rental/GPU-h").RightAligned());
        foreach (var h in catalog.All)
        {
            table.AddRow(
                h.Id, Markup.Escape(h.Name),
                h.MemoryBytes is { } m ? Units.Gb(m) : "--ram-gb",
                (h.MemoryBandwidthBytesPerSecond / 1e9).ToString("N0", c) + " GB/s",
                h.Bf16DenseTflops.ToString("N0", c),
                h.Fp8DenseTflops?.ToString("N0", c) ?? "-",
                $"{h.Interconnect} {(h.InterconnectBytesPerSecond / 1e9).ToString("N0", c)} GB/s",
                h.TdpWatts.ToString("N0", c) + " W",
                "$" + h.PriceUsd.ToString("N0", c),
                h.RentalUsdPerGpuHour is { } r ? "$" + r.ToString("N2", c) : "-");
        }
        console.Ansi.Write(table);
        console.Ansi.MarkupLine(Markup.Escape($"System RAM: --ram-type {string.Join("|", catalog.RamTypes)} (default {catalog.DefaultRamType}), " +
            $"--ram-channels (default {catalog.DefaultRamChannels}): {catalog.DefaultRamNote}"));
        return ExitCodes.Success;
    }
}

internal sealed record HardwareReport(IReadOnlyList<HardwareSpec> Gpus, IReadOnlyList<string> RamTypes, string DefaultRamType,
    int DefaultRamChannels, string DefaultRamNote);
