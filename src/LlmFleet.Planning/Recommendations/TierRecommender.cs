using System.Globalization;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Planning.Recommendations;

/// <summary>
/// Without <c>--gpu</c>: what each tier offers. Every configuration of the tier (GPU kind and count, RAM or unified
/// memory) is planned with every format it runs (or the one <c>--quant</c> names); those that fit are ranked quality
/// first (<see cref="FormatQuality"/>), then meeting the per-stream speed target, then the fewest servers, then the
/// price, then dynamic mixes before uniform formats, then more bits (no more than the original checkpoint's), then speed. Configurations under the usable-speed floor are listed as "loads, but too slow", never as fits.
/// </summary>
internal static class TierRecommender
{
    /// <summary>System RAM sizes a workstation is planned with for a given --quant and no --ram-gb, in GB.</summary>
    private static readonly int[] WorkstationRamGb = [64, 128, 192, 256, 384, 512, 768, 1024];

    /// <summary>The workstation the format is chosen for when neither --quant nor --ram-gb is given: one desk-side GPU
    /// and 256 GB of RAM, the machine the self-hosting guides plan 2-bit MoE offload for.</summary>
    private const int DefaultWorkstationRamGb = 256;

    private const int MaxAlternatives = 2;

    /// <summary>Formats that would only repeat another one's plan: FP16 is BF16's size and speed, GPTQ is AWQ's.</summary>
    private static readonly HashSet<string> Repeats = ["fp16", "gptq"];

    public static DeploymentPlan Recommend(PlanRequest request)
    {
        var formats = request.Quantization is { } q ? [QuantizationCatalog.Default.Get(q)] : CandidateFormats();
        // Chosen for the servers, a format is one vLLM serves; asked for, any format is planned where it runs.
        var serverFormats = request.Quantization is null ? formats.Where(ServesProduction).ToList() : formats;
        var hardware = HardwareCatalog.Default.All;
        var tiers = new List<TierRecommendation>
        {
            Choose(Tiers.Enterprise, request, Enterprise(hardware), serverFormats),
            Choose(Tiers.Rental, request, Rental(hardware), serverFormats),
            Choose(Tiers.Workstation, request, Workstation(request, hardware), formats),
            Choose(Tiers.Apple, request, Apple(request, hardware), formats),
        };
        var first = tiers.FirstOrDefault(t => t.Plan is not null)?.Plan;
        var top = first ?? Planner.PlanOn(request with { Gpu = "h200", Quantization = formats[0].Id }, formats[0],
            HardwareCatalog.Default.Get("h200"), withAlternatives: false);
        return top with
        {
            Fits = first is not null,
            Recommendations = tiers,
            Warnings = first is null ? ["no tier runs it usably: see each tier's reason", .. top.Warnings] : top.Warnings,
        };
    }

    /// <summary>The best format for one GPU kind when the request names the GPU but no format (the same ranking as a
    /// tier's, over that GPU's counts).</summary>
    public static DeploymentPlan BestOn(PlanRequest request, HardwareSpec hardware)
    {
        var options = CandidateFormats()
            .Select(f => TryPlan(request with { Quantization = f.Id }, f, hardware) is { Fits: true } plan
                ? new TierOption(plan, null, null, request.RamGb, FormatQuality.Class(f, request.Model.Architecture))
                : null)
            .OfType<TierOption>()
            .Where(Runs)
            .ToList();
        var usable = Rank(options.Where(o => Usable(o, request)), request).ToList();
        var pick = usable.FirstOrDefault() ?? Rank(options, request).FirstOrDefault()
            ?? throw new PlanningException($"no format fits {request.Model.Id} on {hardware.Id}{(request.Gpus is { } n ? $" x {n}" : "")}");
        var why = Why(pick, request, usable.Count == 0);
        return pick.Plan with { Warnings = [$"--quant not given: {why}", .. pick.Plan.Warnings] };
    }

    private static List<QuantizationFormat> CandidateFormats() =>
        [.. QuantizationCatalog.Default.All.Where(f => !Repeats.Contains(f.Id))];

    /// <summary>Servers bought or rented for production serve with vLLM; GGUF there is llama.cpp's or experimental.</summary>
    private static bool ServesProduction(QuantizationFormat f) => !f.IsGguf;

    /// <summary>A configuration of a tier: the GPU kind, how many, the RAM (unified memory for Apple) and the price.</summary>
    private sealed record Slot(HardwareSpec Hardware, int Gpus, double? RamGb, double? PriceUsd, double? UsdPerHour);

    private static IEnumerable<Slot> Enterprise(IReadOnlyList<HardwareSpec> hw) => hw
        .Where(h => h.Kind == HardwareKind.Datacenter)
        .SelectMany(h => Enumerable.Range(1, 8).Select(nodes => new Slot(h, nodes * h.GpusPerNode, null, nodes * h.GpusPerNode * h.PriceUsd, null)));

    private static IEnumerable<Slot> Rental(IReadOnlyList<HardwareSpec> hw) => hw
        .Where(h => h.Kind == HardwareKind.Datacenter && h.RentalUsdPerGpuHour is not null)
        .SelectMany(h => Planner.CandidateCounts(h).Select(n => new Slot(h, n, null, null, n * h.RentalUsdPerGpuHour!.Value)));

    private static IEnumerable<Slot> Workstation(PlanRequest r, IReadOnlyList<HardwareSpec> hw)
    {
        double[] ram = r.RamGb is { } given ? [given]
            : r.Quantization is null ? [DefaultWorkstationRamGb]
            : [.. WorkstationRamGb.Select(x => (double)x)];
        return hw.Where(h => h.Kind is HardwareKind.Consumer or HardwareKind.Workstation)
            .SelectMany(h => ram.Select(gb => new Slot(h, 1, gb, h.PriceUsd, null)));
    }

    private static IEnumerable<Slot> Apple(PlanRequest r, IReadOnlyList<HardwareSpec> hw) => hw
        .Where(h => h.IsUnifiedMemory)
        .SelectMany(h => h.MemoryOptions.Select(o => new Slot(h, 1, o.MemoryGb, o.PriceUsd, null)))
        .Where(s => r.RamGb is null || s.RamGb == r.RamGb);

    private static TierRecommendation Choose(string tier, PlanRequest request, IEnumerable<Slot> slots, IEnumerable<QuantizationFormat> formats)
    {
        var fitting = new List<TierOption>();
        var slotList = slots.ToList();
        foreach (var f in formats)
        {
            // For each GPU kind, the smallest configuration that fits this format: a larger one of the same kind only
            // costs more at the same quality.
            foreach (var group in slotList.GroupBy(s => s.Hardware.Id))
            {
                foreach (var slot in group.OrderBy(s => s.PriceUsd ?? s.UsdPerHour))
                {
                    var r = request with { Gpu = slot.Hardware.Id, Gpus = slot.Gpus, Nodes = null, RamGb = slot.RamGb ?? request.RamGb, Quantization = f.Id };
                    if (TryPlan(r, f, slot.Hardware) is { Fits: true } plan)
                    {
                        fitting.Add(new TierOption(plan, slot.PriceUsd, slot.UsdPerHour, r.RamGb, FormatQuality.Class(f, request.Model.Architecture)));
                        break;
                    }
                }
            }
        }
        // What the engine cannot run there, or what no source says it can, is not offered.
        var unrunnable = fitting.Where(o => !Runs(o)).ToList();
        fitting = [.. fitting.Except(unrunnable)];
        var usable = Rank(fitting.Where(o => Usable(o, request)), request).ToList();
        var tooSlow = Rank(fitting.Where(o => !Usable(o, request)), request).Take(MaxAlternatives).ToList();
        if (usable.Count == 0)
        {
            var reason = fitting.Count == 0
                ? NothingFits(tier, request)
                : $"everything that fits runs under {Speed(request.MinUsableTokensPerSecond)} tok/s per stream (loads, but too slow)";
            return new TierRecommendation(tier, null, [], tooSlow, null, [.. NotRunnable(unrunnable)], reason);
        }
        var best = usable[0];
        return new TierRecommendation(tier, best, Alternatives(best, usable.Skip(1)), tooSlow, Why(best, request, tooSlowOnly: false),
            [.. LeftOut(best, fitting, request), .. NotRunnable(unrunnable)], null);
    }

    private static bool Runs(TierOption o) => o.Plan.Support?.Verdict is null or SupportVerdict.Native or SupportVerdict.Fallback;

    /// <summary>One note per GPU kind whose fitting formats the engine cannot run (or no source says it can).</summary>
    private static IEnumerable<string> NotRunnable(List<TierOption> unrunnable) => unrunnable
        .GroupBy(o => o.Plan.Hardware!.Id)
        .Select(g => $"{g.Key} ({string.Join(", ", g.Select(o => o.Plan.Quantization).Distinct())}): {g.First().Plan.Support!.Reason}");

    private static bool Usable(TierOption o, PlanRequest r) => o.Plan.DecodeTokensPerSecondSingleStream >= r.MinUsableTokensPerSecond;

    private static IEnumerable<TierOption> Rank(IEnumerable<TierOption> options, PlanRequest r) => options
        .OrderBy(o => o.QualityClass)
        .ThenBy(o => MeetsSpeed(o, r) ? 0 : 1)
        .ThenBy(o => o.Plan.Nodes)
        .ThenBy(o => o.PriceUsd ?? o.UsdPerHour ?? 0)
        .ThenBy(o => FormatQuality.IsDynamicMix(Format(o), r.Model.Architecture) ? 0 : 1)
        .ThenByDescending(o => FormatQuality.EffectiveBits(Format(o), r.Model.Architecture))
        .ThenByDescending(o => o.Plan.DecodeTokensPerSecondSingleStream);

    private static bool MeetsSpeed(TierOption o, PlanRequest r) =>
        o.Plan.DecodeTokensPerSecondSingleStream >= (r.Target ?? new()).MinStreamTokensPerSecond;

    private static QuantizationFormat Format(TierOption o) => QuantizationCatalog.Default.Get(o.Plan.Quantization);

    /// <summary>Up to two runners-up, other GPU kinds first so that the choice is visible, then other formats.</summary>
    private static List<TierOption> Alternatives(TierOption best, IEnumerable<TierOption> rest)
    {
        var ranked = rest.ToList();
        var picks = ranked.Where(o => o.Plan.Hardware!.Id != best.Plan.Hardware!.Id).DistinctBy(o => o.Plan.Hardware!.Id).Take(MaxAlternatives).ToList();
        picks.AddRange(ranked.Except(picks).Where(o => o.Plan.Quantization != best.Plan.Quantization).Take(MaxAlternatives - picks.Count));
        return picks;
    }

    private static string Why(TierOption best, PlanRequest r, bool tooSlowOnly)
    {
        var p = best.Plan;
        var c = CultureInfo.InvariantCulture;
        var what = r.Quantization is not null
            ? $"{p.Quantization} as asked (--quant)"
            : $"{p.Quantization}: {FormatQuality.Describe(best.QualityClass)}, the best quality that {(tooSlowOnly ? "fits" : "runs at a usable speed")} here";
        var speed = MeetsSpeed(best, r)
            ? $"{p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s per stream meets the {Speed((r.Target ?? new()).MinStreamTokensPerSecond)} tok/s target"
            : $"{p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s per stream, under the {Speed((r.Target ?? new()).MinStreamTokensPerSecond)} tok/s target but the fastest of its quality";
        var where = p.Nodes > 1 ? $"{p.Nodes} servers are the fewest that hold it" : "one machine holds it";
        var kernels = p.Support is { Verdict: SupportVerdict.Fallback } s ? $"; runs through a fallback: {s.Reason}" : "";
        return $"{what}; {speed}; {where}, and it is the cheapest such option{kernels}";
    }

    /// <summary>Why the formats of better quality than the pick are not offered here: they do not fit the tier, or they
    /// load but run under the usable-speed floor.</summary>
    private static List<string> LeftOut(TierOption best, List<TierOption> fitting, PlanRequest r)
    {
        var notes = new List<string>();
        if (r.Quantization is not null)
        {
            return notes;
        }
        var c = CultureInfo.InvariantCulture;
        var better = Enumerable.Range(0, best.QualityClass).ToList();
        var missing = better.Where(k => !fitting.Any(o => o.QualityClass == k)).ToList();
        if (missing.Count > 0)
        {
            notes.Add($"{string.Join("; ", missing.Select(FormatQuality.Describe))}: no format of this quality fits here");
        }
        foreach (var k in better.Except(missing))
        {
            var fastest = fitting.Where(o => o.QualityClass == k).MaxBy(o => o.Plan.DecodeTokensPerSecondSingleStream)!;
            notes.Add($"{FormatQuality.Describe(k)}: {fastest.Plan.Quantization} loads on {Where(fastest)} but runs at " +
                $"{fastest.Plan.DecodeTokensPerSecondSingleStream.ToString("0.##", c)} tok/s");
        }
        return notes;
    }

    private static string Where(TierOption o) => o.Plan.Hardware is { IsUnifiedMemory: true } hw
        ? $"{hw.Id} with {o.RamGb:N0} GB"
        : $"{o.Plan.Gpus} x {o.Plan.Hardware?.Id}" + (o.RamGb is { } ram && o.Plan.OffloadBytes > 0 ? $" + {ram:N0} GB RAM" : "");

    private static string NothingFits(string tier, PlanRequest r)
    {
        var what = r.Quantization is { } q ? $"{q} does not fit" : "no format fits";
        var ram = r.RamGb is { } g ? $"{g:N0} GB" : r.Quantization is null ? $"{DefaultWorkstationRamGb} GB" : $"up to {WorkstationRamGb[^1]} GB";
        return tier switch
        {
            Tiers.Enterprise => $"{what} on up to 8 servers of 8 data-centre GPUs",
            Tiers.Rental => $"{what} on up to 64 rented data-centre GPUs",
            Tiers.Workstation => $"{what} one desk-side GPU with {ram} of RAM",
            _ => $"{what} in Apple's unified memory{(r.RamGb is { } m ? $" of {m:N0} GB" : " (up to 512 GB)")}",
        };
    }

    private static string Speed(double tps) => tps.ToString("0.#", CultureInfo.InvariantCulture);

    private static DeploymentPlan? TryPlan(PlanRequest request, QuantizationFormat format, HardwareSpec hardware)
    {
        try
        {
            return Planner.PlanOn(request, format, hardware, withAlternatives: false);
        }
        catch (PlanningException)
        {
            return null;
        }
    }
}
