using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Monitoring.Scraping;

/// <summary>
/// What the monitor reads from Prometheus' node exporter on a backend's host: system memory and disk counters (all
/// devices summed). Disk rates come from two scrapes; busy time is <c>node_disk_io_time_seconds_total</c>, the
/// seconds a device had I/O in flight, summed over devices: one second per second means at least one disk is as busy
/// as a saturated one (iostat's %util of 100).
/// </summary>
public sealed record NodeScrape(double MemoryTotalBytes, double MemoryAvailableBytes, double DiskReadBytes, double DiskWrittenBytes, double DiskIoSeconds, int Disks)
{
    public const string MemTotal = "node_memory_MemTotal_bytes";
    public const string MemAvailable = "node_memory_MemAvailable_bytes";
    public const string DiskRead = "node_disk_read_bytes_total";
    public const string DiskWritten = "node_disk_written_bytes_total";
    public const string DiskIoTime = "node_disk_io_time_seconds_total";

    public static NodeScrape Parse(ReadOnlySpan<char> text)
    {
        double total = 0, available = 0, read = 0, written = 0, io = 0;
        var disks = 0;
        foreach (var s in PrometheusText.EnumerateSamples(text))
        {
            if (s.Name.SequenceEqual(MemTotal))
            {
                total = s.Value;
            }
            else if (s.Name.SequenceEqual(MemAvailable))
            {
                available = s.Value;
            }
            else if (s.Name.SequenceEqual(DiskRead))
            {
                read += s.Value;
            }
            else if (s.Name.SequenceEqual(DiskWritten))
            {
                written += s.Value;
            }
            else if (s.Name.SequenceEqual(DiskIoTime))
            {
                io += s.Value;
                disks++;
            }
        }
        return new NodeScrape(total, available, read, written, io, disks);
    }
}
