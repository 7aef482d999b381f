using System.Globalization;
using System.Text;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Simulation.Hosting;
using Microsoft.AspNetCore.Builder;

namespace LlmFleet.Simulation.Gpu;

/// <summary>
/// What NVIDIA's dcgm-exporter and Prometheus' node exporter would report on the twin's host, derived from the
/// twin's own state, so the fleet monitor's GPU and host panels work without GPUs: <c>GET /sim/dcgm/metrics</c> and
/// <c>GET /sim/node/metrics</c> (point <c>monitoring.exporters</c> at them). Figures follow how vLLM uses a GPU:
/// framebuffer use is what <c>--gpu-memory-utilization</c> reserves at start-up plus the CUDA context, whatever the
/// load; utilisation follows the running batch.
/// </summary>
internal static class SimulatedExporters
{
    public const string DcgmPath = "/sim/dcgm/metrics";
    public const string NodePath = "/sim/node/metrics";

    /// <summary>What the CUDA context and NCCL buffers take outside vLLM's reservation (typical nvidia-smi reading).</summary>
    private const double CudaContextMiB = 600;

    /// <summary>Host RAM of a typical 8-GPU HGX server (2 TiB).</summary>
    private const double HostMemoryBytes = 2.0 * 1024 * 1024 * 1024 * 1024;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Map(WebApplication app, TwinContext twin)
    {
        app.MapGet(DcgmPath, http => WriteAsync(http, Dcgm(twin)));
        app.MapGet(NodePath, http => WriteAsync(http, Node(twin)));
    }

    internal static string Dcgm(TwinContext twin)
    {
        var options = twin.Options;
        var spec = HardwareCatalog.Default.TryGet(options.Gpu, out var s) ? s : null;
        var totalMiB = (spec?.MemoryBytes ?? 141L * 1000 * 1000 * 1000) / (1024.0 * 1024);
        var usedMiB = Math.Min(totalMiB, (totalMiB * options.GpuMemoryUtilization) + CudaContextMiB);
        var running = twin.Metrics.Running;
        var name = spec?.Name ?? options.Gpu;
        var tdp = spec?.TdpWatts ?? 700;
        var sb = new StringBuilder();
        Header(sb, "DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).");
        for (var i = 0; i < options.Gpus; i++)
        {
            Sample(sb, "DCGM_FI_DEV_GPU_UTIL", i, name, Utilization(running, i));
        }
        Header(sb, "DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).");
        for (var i = 0; i < options.Gpus; i++)
        {
            Sample(sb, "DCGM_FI_DEV_FB_USED", i, name, Math.Round(usedMiB));
        }
        Header(sb, "DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).");
        for (var i = 0; i < options.Gpus; i++)
        {
            Sample(sb, "DCGM_FI_DEV_FB_FREE", i, name, Math.Round(totalMiB - usedMiB));
        }
        Header(sb, "DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).");
        for (var i = 0; i < options.Gpus; i++)
        {
            Sample(sb, "DCGM_FI_DEV_GPU_TEMP", i, name, Math.Round(34 + (0.4 * Utilization(running, i))));
        }
        Header(sb, "DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).");
        for (var i = 0; i < options.Gpus; i++)
        {
            Sample(sb, "DCGM_FI_DEV_POWER_USAGE", i, name, Math.Round(tdp * (0.15 + (0.8 * Utilization(running, i) / 100)), 1));
        }
        return sb.ToString();
    }

    internal static string Node(TwinContext twin)
    {
        var uptime = Math.Max(0, twin.NowUnixSeconds - twin.StartedUnixSeconds);
        var sb = new StringBuilder();
        Header(sb, "node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.");
        sb.Append("node_memory_MemTotal_bytes ").Append(HostMemoryBytes.ToString("0", C)).Append('\n');
        Header(sb, "node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.");
        sb.Append("node_memory_MemAvailable_bytes ").Append((HostMemoryBytes * 0.82).ToString("0", C)).Append('\n');
        // A quiet NVMe disk: the weights were read at start-up, little I/O since.
        Header(sb, "node_disk_read_bytes_total", "counter", "The total number of bytes read successfully.");
        sb.Append("node_disk_read_bytes_total{device=\"nvme0n1\"} ").Append((uptime * 2e6).ToString("0", C)).Append('\n');
        Header(sb, "node_disk_written_bytes_total", "counter", "The total number of bytes written successfully.");
        sb.Append("node_disk_written_bytes_total{device=\"nvme0n1\"} ").Append((uptime * 5e5).ToString("0", C)).Append('\n');
        Header(sb, "node_disk_io_time_seconds_total", "counter", "Total seconds spent doing I/Os.");
        sb.Append("node_disk_io_time_seconds_total{device=\"nvme0n1\"} ").Append((uptime * 0.02).ToString("0.###", C)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Busy while a batch runs: a decode step of a small batch keeps SMs about 60 % busy, a full one near 100 %.</summary>
    private static double Utilization(int running, int gpu) =>
        running == 0 ? 0 : Math.Min(100, 60 + (40 * Math.Min(1, running / 16.0)) - (gpu % 3));

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder sb, string name, int gpu, string model, double value) =>
        sb.Append(name).Append("{gpu=\"").Append(gpu).Append("\",UUID=\"GPU-twin-").Append(gpu).Append("\",device=\"nvidia").Append(gpu)
          .Append("\",modelName=\"").Append(model).Append("\",Hostname=\"twin\"} ").Append(value.ToString("0.###", C)).Append('\n');

    private static Task WriteAsync(HttpContext http, string text)
    {
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return http.Response.WriteAsync(text);
    }
}
