using System.Globalization;

namespace LlmFleet.Monitoring.Diagnosis;

/// <summary>
/// The built-in symptoms, in the order an operator checks them: is it up, does it fail, is memory (GPU, KV, host)
/// exhausted, is the disk the bottleneck, is it overloaded or mis-sized, is one backend slower than its peers.
/// </summary>
public static class DiagnosisRules
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IReadOnlyList<DiagnosisRule> All { get; } =
    [
        new("never_started", "critical",
            "The server has not answered since the gateway started: it failed to start. The usual causes are a driver/CUDA mismatch (the wheel's CUDA is newer than the driver supports), not enough GPU memory for the weights, or a wrong model path.",
            "Run `llmfleet doctor` on that host (driver vs CUDA, GPUs, fit), and read the service log (journalctl -u vllm, docker logs) for 'CUDA driver version is insufficient' or 'out of memory'.",
            (b, _) => b.Status == "down" && b.ScrapeAgeSeconds is null && b.ModelLoadSeconds is null
                ? "health probe fails and /metrics was never scraped" : null),
        new("backend_down", "critical",
            "The server was serving and now fails its health check: the process died or its engine crashed (a CUDA error, an out-of-memory during a large batch, a killed container).",
            "Check the service log for the traceback, restart the service, and drain it (`llmfleet drain`) while it is restarted.",
            (b, _) => b.Status == "down" && b.ScrapeAgeSeconds is not null ? $"health probe fails; last /metrics {N(b.ScrapeAgeSeconds)} s ago" : null),
        new("errors", "critical",
            "The backend answers with server errors or drops connections: engine errors, requests aborted on a crash, or a proxy in front of it failing.",
            "Read vLLM's log around the failures; if only this backend fails, drain it and restart; the gateway retries 502/503 elsewhere but passes 500 through.",
            (b, _) => b.ErrorFraction > 0.01 ? $"{P(b.ErrorFraction)} of {b.AttemptsInWindow} attempts failed in the last window" : null),
        new("gpu_memory_exhaustion", "critical",
            "GPU memory is nearly exhausted: another process shares the GPU, or --gpu-memory-utilization is set too high, leaving no room for CUDA graphs and activations.",
            "Check nvidia-smi for other processes; keep --gpu-memory-utilization at 0.90 or lower; or use a smaller quantization or more GPUs (`llmfleet plan`).",
            (b, _) => b.Gpus?.MaxMemoryUsedFraction > 0.95 ? $"GPU memory {P(b.Gpus.MaxMemoryUsedFraction)} used on the fullest GPU" : null),
        new("kv_cache_exhausted", "warning",
            "Wrong batch settings for the KV cache: the scheduler admits more sequences than the cache holds, so it preempts and recomputes running requests.",
            "Lower --max-num-seqs or --max-model-len, or add a replica; raising --gpu-memory-utilization a little gives the cache more room.",
            (b, _) => b.PreemptionsInWindow > 0 && b.KvCacheUsageFraction > 0.9
                ? $"preemptions rising ({N(b.PreemptionsInWindow)} in the window) and KV usage {N(b.KvCacheUsageFraction)}" : null),
        new("system_memory_pressure", "warning",
            "The host is short of RAM: CPU offload (--cpu-offload-gb), swap space (--swap-space) or page cache for the weights compete; the kernel may kill the server.",
            "Lower --cpu-offload-gb/--swap-space, stop other services on the host, or add RAM; `llmfleet doctor` shows what the model needs.",
            (b, _) => b.Host is { MemoryTotalBytes: > 0 } h && h.MemoryAvailableBytes / h.MemoryTotalBytes < 0.1
                ? $"{P(h.MemoryAvailableBytes / h.MemoryTotalBytes)} of host memory available" : null),
        new("disk_io_bottleneck", "warning",
            "The disk is saturated: weights are read from a slow or network disk (long model loads), or the host swaps.",
            "Keep weights on local NVMe (copy them once, `llmfleet verify` them), use safetensors, and avoid swap; a load time of minutes for a model that fits in page cache points here.",
            (b, _) => b.Host?.DiskBusyFraction > 0.9 ? $"disk busy {P(b.Host.DiskBusyFraction)} of the time" + (b.ModelLoadSeconds is { } s ? $"; last model load took {N(s)} s" : "") : null),
        new("too_many_concurrent_requests", "warning",
            "More concurrent requests than the server's batch admits: requests queue while the KV cache still has room, so --max-num-seqs (or the step's token budget) is the limit.",
            "Add a replica, or raise --max-num-seqs/--max-num-batched-tokens while KV usage stays below 0.9; cap client concurrency at the gateway.",
            (b, _) => b.Waiting > 5 && b.KvCacheUsageFraction <= 0.9
                ? $"{N(b.Waiting)} waiting, {N(b.Running)} running, KV usage {N(b.KvCacheUsageFraction)}" : null),
        new("slow_backend", "warning",
            "This backend decodes much slower than its peers: a throttled GPU (temperature or power cap), a degraded interconnect, a noisy neighbour, or different launch settings.",
            "Compare its GPU temperature and power with the others (dashboard, DCGM), check nvidia-smi -q -d PERFORMANCE for throttle reasons, and diff its launch command.",
            SlowerThanPeers),
    ];

    /// <summary>Every rule over every backend of <paramref name="snapshot"/>, critical first.</summary>
    public static DiagnosisReport Run(FleetSnapshot snapshot)
    {
        var findings = new List<Finding>();
        var backends = snapshot.AllBackends().ToArray();
        foreach (var rule in All)
        {
            foreach (var b in backends)
            {
                if (rule.Check(b, snapshot) is { } evidence)
                {
                    findings.Add(new Finding(rule.Name, rule.Severity, b.Id, b.Name, evidence, rule.LikelyCause, rule.Fix));
                }
            }
        }
        return new DiagnosisReport(snapshot.TakenAt, backends.Length,
            [.. findings.OrderBy(f => f.Severity == "critical" ? 0 : 1).ThenBy(f => f.BackendId)]);
    }

    /// <summary>Inter-token p95 over twice the median of the other backends that decoded in the window.</summary>
    private static string? SlowerThanPeers(BackendView b, FleetSnapshot snapshot)
    {
        if (b.InterTokenP95Seconds is not { } mine)
        {
            return null;
        }
        var peers = snapshot.AllBackends().Where(o => o.Id != b.Id && o.InterTokenP95Seconds is not null)
            .Select(o => o.InterTokenP95Seconds!.Value).Order().ToArray();
        if (peers.Length == 0)
        {
            return null;
        }
        var median = peers[peers.Length / 2];
        return mine > 2 * median ? $"inter-token p95 {N(mine)} s against {N(median)} s on its peers" : null;
    }

    private static string N(double? value) => value?.ToString("0.###", C) ?? "?";

    private static string P(double? value) => value is { } v ? (v * 100).ToString("0.#", C) + " %" : "?";
}
