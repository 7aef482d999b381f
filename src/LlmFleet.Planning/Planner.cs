using System.Globalization;
using LlmFleet.Catalog;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Launch;
using LlmFleet.Planning.Performance;
using LlmFleet.Planning.Placement;
using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Planning;

/// <summary>
/// Plans a deployment: weights per tensor class at the chosen precision, KV cache as the engine allocates it, the
/// smallest parallel layout that holds both (or MoE offload to system RAM), the speed a calibrated roofline predicts,
/// and the command that starts it. Pure: every figure is a function of the request.
/// </summary>
public static class Planner
{
    /// <summary>Default maximum model length when the request gives none: long enough for agents, short enough that
    /// a 1M-context model does not reserve its whole KV cache for one sequence.</summary>
    public const long DefaultContextCap = 131_072;

    /// <summary>The shortest context the planner shrinks a default context to before saying it does not fit.</summary>
    public const long MinimumDefaultContext = 4_096;

    /// <summary>Largest GPU count searched when the request names a GPU but no count (8 nodes of 8).</summary>
    private const int MaxSearchedGpus = 64;

    /// <exception cref="PlanningException">The request cannot be planned; the message names the problem.</exception>
    public static DeploymentPlan Plan(PlanRequest request) => Plan(request, Calibration.Default);

    /// <summary>A plan with other calibration values than the embedded ones (the calibration fit uses it).</summary>
    public static DeploymentPlan Plan(PlanRequest request, Calibration calibration)
    {
        Validate(request);
        var format = request.Quantization is { } q ? Resolve(() => QuantizationCatalog.Default.Get(q)) : null;
        if (request.Gpu is null)
        {
            return TierRecommender.Recommend(request);
        }
        var hardware = Resolve(() => HardwareCatalog.Default.Get(request.Gpu));
        return format is null
            ? TierRecommender.BestOn(request, hardware)
            : PlanOn(request, format, hardware, withAlternatives: true, calibration);
    }

    internal static DeploymentPlan PlanOn(PlanRequest request, QuantizationFormat format, HardwareSpec hardware, bool withAlternatives,
        Calibration? calibration = null)
    {
        calibration ??= Calibration.Default;
        var target = request.Target ?? new InteractivityTarget();
        var a = request.Model.Architecture;
        var engine = ChooseEngine(format, hardware, request.Model.Id);
        var usesMtp = engine == InferenceEngine.Vllm && a.MtpLayers > 0;
        if (request.MtpAcceptance is not null && !usesMtp)
        {
            throw new PlanningException(a.MtpLayers == 0
                ? $"--mtp-acceptance: {request.Model.Id} has no MTP layers"
                : $"--mtp-acceptance: MTP speculative decoding is planned for vLLM only, not {engine.ToName()}");
        }
        var ram = ResolveRam(request, hardware);
        var gpus = ResolveGpuCount(request, hardware, engine);
        var parameters = ParameterCounter.Count(a);
        // GGUF files of GLM models keep the next-n layer (llama.cpp's converter writes it; DeepSeek's it drops).
        var includeMtp = usesMtp || (format.IsGguf && WeightFootprint.GgufKeepsMtp(a));
        // A published file size wins over the per-class recipe (Data/Quantizations/published-gguf-sizes.json).
        var weights = WeightFootprint.For(request.Model, parameters, format, includeMtp);
        var kvDtype = request.KvDtype;

        var warnings = new List<string>();
        var context = request.Context ?? Math.Min(a.MaxContext, DefaultContextCap);
        PlanContext Ctx(long c) => new(request.Model, a, parameters, format, weights, hardware, engine, usesMtp, ram, c, kvDtype,
            request.GpuMemoryUtilization, calibration);
        var (placement, nodes) = Place(Ctx(context), request, gpus);
        if (request.Context is null)
        {
            // No context asked for: shrink the default until one sequence fits, as one would by hand.
            var c = context;
            while (!placement.Fits && c / 2 >= MinimumDefaultContext)
            {
                c /= 2;
                var (p2, n2) = Place(Ctx(c), request, gpus);
                if (p2.Fits)
                {
                    warnings.Add($"context reduced from {context:N0} to {c:N0} tokens so that one full-context sequence fits (pass --context to choose)");
                    placement = p2;
                    nodes = n2;
                    context = c;
                    break;
                }
                placement = p2;
            }
            if (!placement.Fits)
            {
                (placement, nodes) = Place(Ctx(context), request, gpus);
            }
        }
        var ctx = Ctx(context);
        var perf = PerformanceEstimator.Estimate(ctx, placement, request.MtpAcceptance, request.Concurrency, target);
        var maxNumSeqs = MaxNumSeqs(request, placement, perf, warnings);
        int? draftTokens = usesMtp ? (request.MtpAcceptance is { } l ? PerformanceEstimator.DraftTokens(l) : 1) : null;
        var launch = LaunchCommandBuilder.Build(ctx, placement, maxNumSeqs, draftTokens, request.ServedModelName);
        warnings.AddRange(launch.Warnings);
        warnings.AddRange(Advice(ctx, placement, request));

        var alternatives = !placement.Fits && withAlternatives ? Alternatives.For(request, format, hardware, placement) : [];
        var fits = placement.Fits;
        var support = EngineSupport.Default.Check(a, format, hardware, engine);
        if (support.Verdict != SupportVerdict.Native)
        {
            warnings.Insert(0, $"engine support: {support.Reason}");
        }
        var tooSlow = fits && perf.DecodeTokensPerSecondSingleStream < request.MinUsableTokensPerSecond;
        if (tooSlow)
        {
            warnings.Insert(0, $"loads, but too slow: {perf.DecodeTokensPerSecondSingleStream:0.##} tok/s per stream, under the usable floor of {request.MinUsableTokensPerSecond:0.#} (--min-usable-tps)");
        }
        return new DeploymentPlan
        {
            ModelId = request.Model.Id,
            Quantization = format.Id,
            Hardware = hardware,
            Fits = fits,
            TooSlow = tooSlow,
            Support = support,
            WeightsBytes = weights.TotalBytes,
            WeightsBytesByClass = weights.BytesByClass,
            WeightsSource = weights.Source,
            WeightsSourceUrl = weights.Published?.Source,
            KvCacheBytesPerToken = placement.Kv.BytesPerToken / placement.PipelineParallel,
            KvCacheTokens = fits ? placement.KvTokens : 0,
            MaxConcurrency = fits ? placement.MaxConcurrency : 0,
            ContextTokens = context,
            KvCacheDtype = placement.Kv.DtypeName,
            Gpus = engine == InferenceEngine.Vllm ? placement.Gpus : hardware.IsUnifiedMemory ? 1 : gpus ?? UsedGpus(placement),
            Nodes = nodes,
            TensorParallelSize = placement.TensorParallel,
            PipelineParallelSize = placement.PipelineParallel,
            DataParallelSize = placement.DataParallel,
            ExpertParallel = placement.ExpertParallel,
            WeightsBytesPerGpu = placement.WeightsBytesPerGpu,
            RuntimeOverheadBytesPerGpu = placement.RuntimeOverheadBytesPerGpu,
            KvCacheBudgetBytesPerGpu = placement.KvBudgetBytesPerGpu,
            OffloadBytes = placement.OffloadBytes,
            ShortfallBytes = Math.Max(0, placement.ShortfallBytes),
            Alternatives = alternatives,
            DecodeTokensPerSecondSingleStream = fits ? perf.DecodeTokensPerSecondSingleStream : 0,
            DecodeTokensPerSecondAggregate = fits ? perf.DecodeTokensPerSecondAggregate : 0,
            AggregateConcurrency = fits ? perf.AggregateConcurrency : 0,
            PrefillTokensPerSecond = fits ? perf.PrefillTokensPerSecond : 0,
            Goodput = fits ? perf.Goodput : perf.Goodput with { ConcurrencyPerReplica = 0, StreamTokensPerSecond = 0, ReplicaTokensPerSecond = 0 },
            TtftSeconds = fits ? perf.TtftSeconds : 0,
            MtpAcceptance = perf.MtpAcceptance,
            Engine = engine.ToName(),
            Command = launch.Command,
            DockerCommand = launch.DockerCommand,
            Warnings = fits ? warnings : [Problem(placement), .. warnings],
            StepTime = perf.StepTime,
        };
    }

    private static (PlacementResult Placement, int Nodes) Place(PlanContext ctx, PlanRequest request, int? gpus)
    {
        if (ctx.Engine != InferenceEngine.Vllm)
        {
            if (gpus is null && !ctx.Hardware.IsUnifiedMemory)
            {
                // No count given: the fewest GPUs (up to a node) that hold it without offload, else one GPU + RAM.
                foreach (var count in CandidateCounts(ctx.Hardware).TakeWhile(c => c <= ServerSize(ctx.Hardware)))
                {
                    var p = OffloadPlacer.Place(ctx, count);
                    if (p.Fits && p.OffloadBytes == 0)
                    {
                        return (p with { GpuCount = count }, 1);
                    }
                }
            }
            return (OffloadPlacer.Place(ctx, gpus ?? 1) with { GpuCount = gpus ?? 1 }, 1);
        }
        if (request.Layout is { IsEmpty: false } layout)
        {
            var l = layout;
            var total = gpus ?? (l.TensorParallel ?? 1) * (l.PipelineParallel ?? 1) * (l.DataParallel ?? 1);
            var forcedNodes = request.Nodes ?? (int)Math.Ceiling(total / (double)ServerSize(ctx.Hardware));
            return (VllmPlacer.Forced(ctx, layout, total, forcedNodes), forcedNodes);
        }
        if (gpus is { } n)
        {
            var nodes = request.Nodes ?? (int)Math.Ceiling(n / (double)ServerSize(ctx.Hardware));
            if (n % nodes != 0)
            {
                throw new PlanningException($"{n} GPUs cannot be spread evenly over {nodes} nodes");
            }
            return (Best(ctx, request, VllmPlacer.Candidates(ctx, n, nodes)), nodes);
        }
        // No count given: the smallest that fits.
        PlacementResult? last = null;
        var lastNodes = 1;
        foreach (var count in CandidateCounts(ctx.Hardware))
        {
            var nodes = (int)Math.Ceiling(count / (double)ServerSize(ctx.Hardware));
            last = Best(ctx, request, VllmPlacer.Candidates(ctx, count, nodes));
            lastNodes = nodes;
            if (last.Fits)
            {
                return (last, nodes);
            }
        }
        return (last!, lastNodes);
    }

    /// <summary>The layout an expert would pick among those that fit: the highest goodput over all replicas; where
    /// none meets the interactivity target, the fastest single stream. Ties go to the simpler layout (listed first).</summary>
    private static PlacementResult Best(PlanContext ctx, PlanRequest request, IReadOnlyList<PlacementResult> candidates)
    {
        if (candidates.Count == 1)
        {
            return candidates[0];
        }
        var target = request.Target ?? new InteractivityTarget();
        PlacementResult best = candidates[0];
        (double Goodput, double Single) bestScore = (-1, -1);
        foreach (var c in candidates)
        {
            var perf = PerformanceEstimator.Estimate(ctx, c, request.MtpAcceptance, 1, target);
            var score = (perf.Goodput.ReplicaTokensPerSecond * c.DataParallel, perf.DecodeTokensPerSecondSingleStream);
            if (score.Item1 > bestScore.Goodput * 1.01 || (score.Item1 <= 0 && bestScore.Goodput <= 0 && score.Item2 > bestScore.Single * 1.01))
            {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>GPUs one server holds when a request spreads GPUs over nodes: 8 (an HGX board, or a PCIe box of
    /// desk-side cards; those are sold one per workstation, which is what their <c>GpusPerNode</c> of 1 says).</summary>
    internal static int ServerSize(HardwareSpec hw) => Math.Max(8, hw.GpusPerNode);

    /// <summary>1, 2, 4... up to a server, then whole servers up to 64 GPUs.</summary>
    internal static IEnumerable<int> CandidateCounts(HardwareSpec hw)
    {
        var server = ServerSize(hw);
        for (var n = 1; n < server; n *= 2)
        {
            yield return n;
        }
        for (var n = server; n <= MaxSearchedGpus; n += server)
        {
            yield return n;
        }
    }

    /// <summary>
    /// vLLM's <c>--max-num-seqs</c> per replica: the goodput concurrency, so that a full server still meets the
    /// interactivity target. When no concurrency meets it (a lone full-context prompt already takes longer than the
    /// TTFT target), the streams asked for with --concurrency, else what the KV cache holds at full context, which is
    /// what vLLM would admit anyway.
    /// </summary>
    private static int MaxNumSeqs(PlanRequest request, PlacementResult placement, PerformanceEstimate perf, List<string> warnings)
    {
        if (perf.Goodput.MeetsTarget)
        {
            return perf.Goodput.ConcurrencyPerReplica;
        }
        var replicas = Math.Max(1, placement.DataParallel);
        if (request.Concurrency > 1 || placement.MaxConcurrency <= 0)
        {
            return Math.Max(1, (int)Math.Ceiling(request.Concurrency / (double)replicas));
        }
        var held = Math.Max(1, placement.MaxConcurrency / replicas);
        warnings.Add($"--max-num-seqs {held}: no concurrency meets the interactivity target at this context, so the server admits what its KV cache holds at full context (shorten --context, or relax --min-stream-tps / --max-ttft, to size it for the target)");
        return held;
    }

    internal static InferenceEngine ChooseEngine(QuantizationFormat format, HardwareSpec hw, string modelId)
    {
        if (hw.IsUnifiedMemory)
        {
            if (format.RunsOn(InferenceEngine.LlamaCpp) && format.IsGguf)
            {
                return InferenceEngine.LlamaCpp;
            }
            if (format.RunsOn(InferenceEngine.Mlx))
            {
                return InferenceEngine.Mlx;
            }
            throw new PlanningException($"{format.Id} runs on {string.Join(" and ", format.Engines.Select(e => e.ToName()))} only, which do not run on Apple silicon ({hw.Id}); use a GGUF format (e.g. --quant gguf:Q4_K_M) or an MLX one (bf16, mxfp4)");
        }
        if (format.RunsOn(InferenceEngine.Vllm))
        {
            if (format.Compute == ComputePrecision.Fp4 && hw.Vendor != "nvidia")
            {
                throw new PlanningException($"{format.Id} is an NVIDIA format; {hw.Id} cannot run it (try fp8 or mxfp4)");
            }
            return InferenceEngine.Vllm;
        }
        if (format.RunsOn(InferenceEngine.LlamaCpp))
        {
            return InferenceEngine.LlamaCpp;
        }
        throw new PlanningException($"{format.Id} runs on {string.Join(" and ", format.Engines.Select(e => e.ToName()))} only, which cannot serve {modelId} on {hw.Id}");
    }

    private static SystemMemory? ResolveRam(PlanRequest request, HardwareSpec hw)
    {
        if (hw.IsUnifiedMemory && request.RamGb is null)
        {
            var options = string.Join(", ", hw.MemoryOptions.Select(o => o.MemoryGb.ToString(CultureInfo.InvariantCulture)));
            throw new PlanningException($"{hw.Id} has unified memory: pass --ram-gb with its size (configurations: {options} GB)");
        }
        if (request.RamGb is not { } gb)
        {
            return null;
        }
        var bytes = (long)(gb * 1e9);
        if (hw.IsUnifiedMemory)
        {
            return new SystemMemory(bytes, "unified", 0, hw.MemoryBandwidthBytesPerSecond);
        }
        return Resolve(() => HardwareCatalog.Default.SystemMemory(bytes, request.RamType, request.RamChannels));
    }

    private static int? ResolveGpuCount(PlanRequest request, HardwareSpec hw, InferenceEngine engine)
    {
        if (hw.IsUnifiedMemory && request.Gpus is > 1)
        {
            throw new PlanningException($"{hw.Id} is one machine with unified memory; --gpus must be 1");
        }
        if (engine != InferenceEngine.Vllm && request.Nodes is > 1)
        {
            throw new PlanningException($"multi-node serving is planned for vLLM only; {request.Quantization} runs on {engine.ToName()}");
        }
        return request.Gpus;
    }

    private static int UsedGpus(PlacementResult p) => p.GpuCount;

    private static void Validate(PlanRequest r)
    {
        var a = r.Model.Architecture;
        if (r.Gpus is < 1)
        {
            throw new PlanningException($"--gpus must be at least 1, got {r.Gpus}");
        }
        if (r.Nodes is < 1)
        {
            throw new PlanningException($"--nodes must be at least 1, got {r.Nodes}");
        }
        if (r.Nodes is { } nodes && r.Gpus is { } g && g < nodes)
        {
            throw new PlanningException($"{g} GPUs cannot be spread over {nodes} nodes");
        }
        if (r.Context is { } c && (c < 1 || c > a.MaxContext))
        {
            throw new PlanningException(c < 1
                ? $"--context must be at least 1 token, got {c}"
                : $"--context {c:N0} exceeds {r.Model.Id}'s maximum of {a.MaxContext:N0} tokens (max_position_embeddings)");
        }
        if (r.Concurrency < 1)
        {
            throw new PlanningException($"--concurrency must be at least 1, got {r.Concurrency}");
        }
        if (r.GpuMemoryUtilization is <= 0 or > 1)
        {
            throw new PlanningException($"--gpu-memory-utilization must be in (0, 1], got {r.GpuMemoryUtilization}");
        }
        if (r.RamGb is <= 0)
        {
            throw new PlanningException($"--ram-gb must be positive, got {r.RamGb}");
        }
        if (r.MtpAcceptance is { } l && (l < 1 || l > 16))
        {
            throw new PlanningException($"--mtp-acceptance is the mean tokens per step, between 1 and 16; got {l}");
        }
        if (r.Layout is { } layout && (layout.TensorParallel is < 1 || layout.PipelineParallel is < 1 || layout.DataParallel is < 1))
        {
            throw new PlanningException("--tensor-parallel-size, --pipeline-parallel-size and --data-parallel-size must be at least 1");
        }
        if (r.Target is { } t && (t.MinStreamTokensPerSecond < 0 || t.MaxTtftSeconds <= 0))
        {
            throw new PlanningException($"--min-stream-tps must be at least 0 and --max-ttft positive, got {t.MinStreamTokensPerSecond} and {t.MaxTtftSeconds}");
        }
        if (r.MinUsableTokensPerSecond < 0)
        {
            throw new PlanningException($"--min-usable-tps must be at least 0, got {r.MinUsableTokensPerSecond}");
        }
        if (r.KvDtype is not ("auto" or "bf16" or "fp8"))
        {
            throw new PlanningException($"unknown --kv-dtype '{r.KvDtype}' (expected auto, bf16 or fp8)");
        }
    }

    private static T Resolve<T>(Func<T> lookup)
    {
        try
        {
            return lookup();
        }
        catch (CatalogException e)
        {
            throw new PlanningException(e.Message, e);
        }
    }

    private static string Problem(PlacementResult p) =>
        $"does not fit: {p.ShortfallBytes / 1e9:N1} GB short" + (p.Problem is { } why ? $" ({why})" : "");

    private static IEnumerable<string> Advice(PlanContext ctx, PlacementResult p, PlanRequest request)
    {
        if (p.OffloadBytes > 0 && !p.OffloadIsRoutedExperts)
        {
            yield return $"vLLM streams the {p.OffloadBytes / 1e9:N0} GB of --cpu-offload-gb weights over PCIe on every step: it loads, but it does not run efficiently";
        }
        if (p.OffloadBytes > 0 && p.OffloadIsRoutedExperts && ctx.Ram is { } ram && !ctx.Hardware.IsUnifiedMemory)
        {
            yield return $"decode reads the {(ctx.Architecture.IsMoe ? "active experts" : "offloaded layers")} from system RAM ({ram.Channels} channels of {ram.RamType}, {ram.BandwidthBytesPerSecond / 1e9:N0} GB/s peak): RAM bandwidth sets the speed (--ram-channels/--ram-type to change)";
        }
        if (ctx.Engine == InferenceEngine.Vllm && ctx.Format.Compute == ComputePrecision.Fp8 && ctx.Hardware.Fp8DenseTflops is null)
        {
            yield return $"{ctx.Hardware.Id} has no FP8 tensor cores: vLLM runs FP8 weights as W8A16 (Marlin) at the BF16 rate";
        }
        if (ctx.UsesMtp && request.MtpAcceptance is null)
        {
            yield return "decode figures assume no MTP gain; pass --mtp-acceptance (SGLang measured 3.5 for GLM-5 with 3 draft tokens) to include it";
        }
        if (p.Fits && request.Concurrency > p.MaxConcurrency && p.MaxConcurrency > 0)
        {
            yield return $"only {p.MaxConcurrency} full-context sequences fit in the KV cache; the aggregate figure uses that many, not {request.Concurrency}";
        }
    }
}
