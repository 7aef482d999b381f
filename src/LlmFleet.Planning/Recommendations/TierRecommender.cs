using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Planning.Recommendations;

/// <summary>
/// Without <c>--gpu</c>: the cheapest configuration of each tier that fits, planned in full, or why none does.
/// </summary>
internal static class TierRecommender
{
    /// <summary>System RAM sizes a workstation is planned with when the request gives none, in GB.</summary>
    private static readonly int[] WorkstationRamGb = [64, 128, 192, 256, 384, 512, 768, 1024];

    public static DeploymentPlan Recommend(PlanRequest request)
    {
        var format = QuantizationCatalog.Default.Get(request.Quantization);
        var hardware = HardwareCatalog.Default.All;
        var tiers = new List<TierRecommendation>
        {
            Enterprise(request, format, hardware),
            Rental(request, format, hardware),
            Workstation(request, format, hardware),
            Apple(request, format, hardware),
        };
        var first = tiers.FirstOrDefault(t => t.Plan is not null)?.Plan;
        var top = first ?? Planner.PlanOn(request with { Gpu = "h200" }, format, HardwareCatalog.Default.Get("h200"), withAlternatives: false);
        return top with
        {
            Fits = first is not null,
            Recommendations = tiers,
            Warnings = first is null ? ["no tier fits: see each tier's reason", .. top.Warnings] : top.Warnings,
        };
    }

    private static TierRecommendation Enterprise(PlanRequest r, QuantizationFormat f, IReadOnlyList<HardwareSpec> hw)
    {
        var options = hw.Where(h => h.Kind == HardwareKind.Datacenter)
            .SelectMany(h => Enumerable.Range(1, 8).Select(nodes => (Hw: h, Gpus: nodes * h.GpusPerNode)))
            .Select(o => (o.Hw, o.Gpus, Price: o.Gpus * o.Hw.PriceUsd))
            .OrderBy(o => o.Price);
        foreach (var (h, gpus, price) in options)
        {
            if (TryPlan(r with { Gpu = h.Id, Gpus = gpus, Nodes = null }, f, h) is { Fits: true } plan)
            {
                return new TierRecommendation(Tiers.Enterprise, plan, null, price, null);
            }
        }
        return new TierRecommendation(Tiers.Enterprise, null, $"{f.Id} does not fit on up to 8 servers of 8 data-centre GPUs", null, null);
    }

    private static TierRecommendation Rental(PlanRequest r, QuantizationFormat f, IReadOnlyList<HardwareSpec> hw)
    {
        var options = hw.Where(h => h.Kind == HardwareKind.Datacenter && h.RentalUsdPerGpuHour is not null)
            .SelectMany(h => Planner.CandidateCounts(h).Select(n => (Hw: h, Gpus: n)))
            .Select(o => (o.Hw, o.Gpus, PerHour: o.Gpus * o.Hw.RentalUsdPerGpuHour!.Value))
            .OrderBy(o => o.PerHour);
        foreach (var (h, gpus, perHour) in options)
        {
            if (TryPlan(r with { Gpu = h.Id, Gpus = gpus, Nodes = null }, f, h) is { Fits: true } plan)
            {
                return new TierRecommendation(Tiers.Rental, plan, null, null, perHour);
            }
        }
        return new TierRecommendation(Tiers.Rental, null, $"{f.Id} does not fit on up to 64 rented data-centre GPUs", null, null);
    }

    private static TierRecommendation Workstation(PlanRequest r, QuantizationFormat f, IReadOnlyList<HardwareSpec> hw)
    {
        var ramOptions = r.RamGb is { } given ? [given] : WorkstationRamGb.Select(x => (double)x).ToArray();
        var gpus = hw.Where(h => h.Kind is HardwareKind.Consumer or HardwareKind.Workstation).OrderBy(h => h.PriceUsd);
        foreach (var h in gpus)
        {
            foreach (var ram in ramOptions)
            {
                if (TryPlan(r with { Gpu = h.Id, Gpus = 1, Nodes = null, RamGb = ram }, f, h) is { Fits: true } plan)
                {
                    return new TierRecommendation(Tiers.Workstation, plan, null, h.PriceUsd, null);
                }
            }
        }
        var ramText = r.RamGb is { } g ? $"{g:N0} GB" : $"up to {WorkstationRamGb[^1]} GB";
        return new TierRecommendation(Tiers.Workstation, null, $"{f.Id} does not fit one desk-side GPU with {ramText} of RAM", null, null);
    }

    private static TierRecommendation Apple(PlanRequest r, QuantizationFormat f, IReadOnlyList<HardwareSpec> hw)
    {
        var options = hw.Where(h => h.IsUnifiedMemory)
            .SelectMany(h => h.MemoryOptions.Select(o => (Hw: h, Option: o)))
            .Where(o => r.RamGb is null || o.Option.MemoryGb == (int)r.RamGb)
            .OrderBy(o => o.Option.PriceUsd);
        string? reason = null;
        foreach (var (h, option) in options)
        {
            try
            {
                var plan = Planner.PlanOn(r with { Gpu = h.Id, Gpus = 1, Nodes = null, RamGb = option.MemoryGb }, f, h, withAlternatives: false);
                if (plan.Fits)
                {
                    return new TierRecommendation(Tiers.Apple, plan, null, option.PriceUsd, null);
                }
            }
            catch (PlanningException e)
            {
                reason = e.Message;
            }
        }
        return new TierRecommendation(Tiers.Apple, null, reason ?? $"{f.Id} does not fit in Apple's largest unified memory (512 GB)", null, null);
    }

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
