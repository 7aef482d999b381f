using System.Globalization;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Placement;

namespace LlmFleet.Planning.Launch;

/// <summary>
/// The exact server command for a plan: <c>vllm serve</c> with its parallelism, memory and parser flags; or
/// <c>llama-server</c> with GPU layers and MoE offload for GGUF formats (and on Apple); or <c>mlx_lm.server</c>.
/// </summary>
internal static class LaunchCommandBuilder
{
    private const string VllmImage = "vllm/vllm-openai:latest";
    private const string VllmRocmImage = "rocm/vllm:latest";
    private const string LlamaCppImage = "ghcr.io/ggml-org/llama.cpp:server-cuda";

    public static LaunchCommand Build(PlanContext ctx, PlacementResult p, int maxNumSeqs, int? mtpDraftTokens, string? servedModelName = null) => ctx.Engine switch
    {
        InferenceEngine.Vllm => Vllm(ctx, p, maxNumSeqs, mtpDraftTokens, servedModelName),
        InferenceEngine.LlamaCpp => LlamaServer(ctx, p),
        _ => Mlx(ctx),
    };

    private static LaunchCommand Vllm(PlanContext ctx, PlacementResult p, int maxNumSeqs, int? mtpDraftTokens, string? servedModelName)
    {
        var warnings = new List<string>();
        var model = VllmModel(ctx, warnings);
        var c = CultureInfo.InvariantCulture;
        var args = new List<string> { "--tensor-parallel-size", p.TensorParallel.ToString(c) };
        if (p.PipelineParallel > 1)
        {
            args.AddRange(["--pipeline-parallel-size", p.PipelineParallel.ToString(c)]);
        }
        if (p.DataParallel > 1)
        {
            args.AddRange(["--data-parallel-size", p.DataParallel.ToString(c)]);
        }
        if (p.ExpertParallel)
        {
            // The layout the figures were computed for: routed experts spread whole over the TP x DP ranks.
            args.Add("--enable-expert-parallel");
        }
        args.AddRange([
            "--max-model-len", ctx.ContextTokens.ToString(c),
            "--gpu-memory-utilization", ctx.GpuMemoryUtilization.ToString("0.##", c),
            "--kv-cache-dtype", VllmKvDtype(p.Kv.DtypeName),
            "--max-num-seqs", maxNumSeqs.ToString(c),
            // The prefill chunk the plan's TTFT and memory assume; vLLM also needs room for every sequence's decode
            // (and draft) tokens in one step.
            "--max-num-batched-tokens", Math.Max(ctx.PrefillChunkTokens, maxNumSeqs * (1 + (mtpDraftTokens ?? 0))).ToString(c),
        ]);
        if (servedModelName is not null)
        {
            args.AddRange(["--served-model-name", servedModelName]);
        }
        if (p.OffloadBytes > 0)
        {
            var perGpuGb = (int)Math.Ceiling(p.OffloadBytes / 1e9 / (p.TensorParallel * p.PipelineParallel));
            args.AddRange(["--cpu-offload-gb", perGpuGb.ToString(c)]);
        }
        args.AddRange(ModelFlags.For(ctx.Model.Id));
        if (mtpDraftTokens is { } k)
        {
            args.AddRange(["--speculative-config", $"{{\"method\": \"mtp\", \"num_speculative_tokens\": {k}}}"]);
        }
        if (p.Nodes > 1)
        {
            args.AddRange(["--distributed-executor-backend", "ray"]);
            warnings.Add($"multi-node: start a Ray cluster over the {p.Nodes} nodes first (vLLM docs, 'Distributed inference and serving'), then run the command on the head node");
        }
        var command = ShellWords.Join(["vllm", "serve", model, .. args]);
        var image = ctx.Hardware.Vendor == "amd" ? VllmRocmImage : VllmImage;
        var gpuFlags = ctx.Hardware.Vendor == "amd"
            ? new[] { "--device=/dev/kfd", "--device=/dev/dri", "--group-add", "video" }
            : ["--gpus", "all"];
        var docker = ShellWords.Join(["docker", "run", .. gpuFlags, "--ipc=host", "-p", "8000:8000",
            "-v", "~/.cache/huggingface:/root/.cache/huggingface", image, model, .. args]);
        return new LaunchCommand(command, docker, warnings);
    }

    /// <summary>vLLM's flag value for a cache layout: <c>fp8</c> selects fp8_ds_mla on DSA models.</summary>
    private static string VllmKvDtype(string layoutDtype) => layoutDtype switch
    {
        "fp8_ds_mla" or "fp8" => "fp8",
        _ => "auto",
    };

    private static string VllmModel(PlanContext ctx, List<string> warnings)
    {
        var entry = ctx.Model.Entry;
        if (entry is null)
        {
            return ctx.Model.LoadFrom ?? ctx.Model.Id;
        }
        var repo = entry.HfRepo;
        var name = repo[(repo.IndexOf('/', StringComparison.Ordinal) + 1)..];
        switch (ctx.Format.Id)
        {
            case "bf16" or "fp16" or "mxfp4-moe":
                return repo;
            case "fp8" when entry.ConfigJson.Contains("\"fp8\"", StringComparison.Ordinal):
                return repo; // The original checkpoint is FP8 (DeepSeek, Kimi K2: quantization_config says so).
            case "fp8" when repo.StartsWith("zai-org/", StringComparison.Ordinal) || repo.StartsWith("Qwen/", StringComparison.Ordinal):
                return repo + "-FP8"; // Z.ai and Qwen publish FP8 siblings under this name.
            case "nvfp4":
                warnings.Add($"nvidia/{name}-NVFP4 is NVIDIA's naming for its NVFP4 releases; check that it exists for this model");
                return $"nvidia/{name}-NVFP4";
            default:
                warnings.Add($"no {ctx.Format.Id} checkpoint is known for {repo}: replace ./{name}-{ctx.Format.Id} with yours");
                return $"./{name}-{ctx.Format.Id}";
        }
    }

    private static LaunchCommand LlamaServer(PlanContext ctx, PlacementResult p)
    {
        var c = CultureInfo.InvariantCulture;
        var warnings = new List<string>();
        var args = new List<string> { "llama-server" };
        if (ctx.Model.Entry is { } entry && ctx.Format.IsGguf)
        {
            var name = entry.HfRepo[(entry.HfRepo.IndexOf('/', StringComparison.Ordinal) + 1)..];
            args.AddRange(["-hf", $"unsloth/{name}-GGUF:{ctx.Format.Id["gguf:".Length..]}"]);
        }
        else
        {
            args.AddRange(["-m", $"./{ctx.Model.Id}-{ctx.Format.Id.Replace("gguf:", "", StringComparison.Ordinal)}.gguf"]);
        }
        var a = ctx.Architecture;
        var gpuLayers = a.NumLayers + a.MtpLayers + 1;
        if (!a.IsMoe && p.CpuMoeLayers > 0)
        {
            gpuLayers = a.NumLayers - p.CpuMoeLayers;
        }
        args.AddRange(["-ngl", gpuLayers.ToString(c)]);
        if (a.IsMoe && p.OffloadBytes > 0)
        {
            var offloadable = a.NumLayers + (ctx.Weights.MtpBytes > 0 ? a.MtpLayers : 0) - a.DenseLayers;
            if (p.CpuMoeLayers >= offloadable)
            {
                args.AddRange(["--override-tensor", ".ffn_.*_exps.=CPU"]);
            }
            else
            {
                // Experts of the first N layers stay in RAM (N counts from the first layer, dense ones included).
                args.AddRange(["--n-cpu-moe", (p.CpuMoeLayers + a.DenseLayers).ToString(c)]);
            }
        }
        args.AddRange(["-c", ctx.ContextTokens.ToString(c)]);
        if (ctx.KvDtype == "fp8")
        {
            args.AddRange(["--cache-type-k", "q8_0", "--cache-type-v", "q8_0"]);
        }
        if (!ctx.Hardware.IsUnifiedMemory && p.OffloadBytes > 0)
        {
            args.AddRange(["-t", "$(nproc)"]);
        }
        args.AddRange(["--jinja", "--host", "0.0.0.0", "--port", "8080"]);
        if (ctx.Hardware.IsUnifiedMemory)
        {
            var wiredMb = (long)((ctx.Ram!.Bytes - OffloadPlacer.OsReserveBytes) / 1_048_576);
            warnings.Add($"macOS lets the GPU wire about 75% of unified memory by default: raise it with `sudo sysctl iogpu.wired_limit_mb={wiredMb}`");
            return new LaunchCommand(JoinKeepingSubshell(args), null, warnings);
        }
        var docker = JoinKeepingSubshell(["docker", "run", "--gpus", "all", "-p", "8080:8080",
            "-v", "~/.cache/llama.cpp:/root/.cache/llama.cpp", LlamaCppImage, .. args.Skip(1)]);
        return new LaunchCommand(JoinKeepingSubshell(args), docker, warnings);
    }

    private static LaunchCommand Mlx(PlanContext ctx)
    {
        var repo = ctx.Model.Entry?.HfRepo ?? ctx.Model.Id;
        var name = repo[(repo.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var warnings = new List<string> { $"mlx_lm.server sizes its cache on demand; the context above ({ctx.ContextTokens:N0} tokens) is what fits" };
        var model = repo;
        if (ctx.Format.Id is not ("bf16" or "fp16" or "mxfp4-moe"))
        {
            model = $"./{name}-mlx-{ctx.Format.Id}";
            warnings.Add($"convert the weights first: mlx_lm.convert --hf-path {repo} -q (then point --model at the result)");
        }
        return new LaunchCommand(ShellWords.Join(["mlx_lm.server", "--model", model, "--host", "0.0.0.0", "--port", "8080"]), null, warnings);
    }

    /// <summary>Quotes every word but leaves a <c>$(...)</c> substitution for the shell to expand.</summary>
    private static string JoinKeepingSubshell(IEnumerable<string> words) =>
        string.Join(" ", words.Select(w => w.StartsWith("$(", StringComparison.Ordinal) ? w : ShellWords.Quote(w)));
}
