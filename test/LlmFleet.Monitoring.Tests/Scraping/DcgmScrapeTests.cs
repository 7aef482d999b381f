using LlmFleet.Monitoring.Scraping;

namespace LlmFleet.Monitoring.Tests.Scraping;

public sealed class DcgmScrapeTests
{
    [Fact]
    public void Parse_Dcgm_ReadsEachGpuInBytes()
    {
        var dcgm = DcgmScrape.Parse("""
            DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a"} 87
            DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b"} 91
            DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a"} 1024
            DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a"} 3072
            """);

        Assert.Equal(2, dcgm.Gpus.Count);
        Assert.Equal(87, dcgm.Gpus[0].UtilizationPercent);
        Assert.Equal(1024L * 1024 * 1024, dcgm.Gpus[0].MemoryUsedBytes);
        Assert.Equal(4L * 1024 * 1024 * 1024, dcgm.Gpus[0].MemoryTotalBytes);
    }
}
