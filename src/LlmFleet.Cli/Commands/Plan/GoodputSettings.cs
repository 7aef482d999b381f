using System.ComponentModel;
using LlmFleet.Planning.Performance;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary>The interactivity target goodput is measured against, and the speculative decoding that changes what a
/// replica reaches: shared by <c>plan</c>, <c>deploy</c> and <c>cost</c>, so the three accept the same names with the same
/// defaults.</summary>
internal class GoodputSettings : CommandSettings
{
    [CommandOption("--min-stream-tps")]
    [Description("Goodput target: the slowest acceptable decode speed per stream, tok/s. Default: 20.")]
    public double MinStreamTps { get; init; } = InteractivityTarget.DefaultMinStreamTokensPerSecond;

    [CommandOption("--max-ttft")]
    [Description("Goodput target: the longest acceptable time to first token at the planned context, seconds. Default: 2.")]
    public double MaxTtft { get; init; } = InteractivityTarget.DefaultMaxTtftSeconds;

    [CommandOption("--mtp-acceptance")]
    [Description("Mean tokens per step with MTP speculative decoding (e.g. 3.5). Default: no MTP gain.")]
    public double? MtpAcceptance { get; init; }

    public InteractivityTarget ToTarget() => new(MinStreamTps, MaxTtft);
}
