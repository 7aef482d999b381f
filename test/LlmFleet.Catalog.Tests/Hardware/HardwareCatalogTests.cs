using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Catalog.Tests.Hardware;

public sealed class HardwareCatalogTests
{
    [Theory]
    [InlineData("h100", 80e9, 3.35e12)]
    [InlineData("h200", 141e9, 4.8e12)]
    [InlineData("rtx4090", 24e9, 1.008e12)]
    [InlineData("mi300x", 192e9, 5.3e12)]
    public void Get_KnownGpu_HasVendorMemoryAndBandwidth(string id, double atLeastBytes, double bandwidth)
    {
        var g = HardwareCatalog.Default.Get(id);
        Assert.InRange(g.MemoryBytes!.Value, atLeastBytes, atLeastBytes * 1.1);
        Assert.Equal(bandwidth, g.MemoryBandwidthBytesPerSecond);
        Assert.Contains(g.Vendor, g.Source, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void All_HaveAFamily_AndRtxBlackwellIsNotB200sFamily()
    {
        Assert.All(HardwareCatalog.Default.All, g => Assert.False(string.IsNullOrWhiteSpace(g.Family), g.Id));
        Assert.Equal(HardwareCatalog.Default.Get("h100").Family, HardwareCatalog.Default.Get("h200").Family);
        // SM 12.0 is a different kernel target from SM 10.0: vLLM's FlashMLA, CUTLASS MLA and FlashInfer MoE kernels
        // for B200 are not built for it.
        Assert.NotEqual(HardwareCatalog.Default.Get("b200").Family, HardwareCatalog.Default.Get("rtx5090").Family);
        Assert.Equal(HardwareCatalog.Default.Get("rtx5090").Family, HardwareCatalog.Default.Get("rtx-pro-6000").Family);
    }

    [Fact]
    public void Get_IsCaseInsensitive() => Assert.Equal("h200", HardwareCatalog.Default.Get("H200").Id);

    [Fact]
    public void Get_Unknown_ListsKnownIds()
    {
        var e = Assert.Throws<CatalogException>(() => HardwareCatalog.Default.Get("h900"));
        Assert.Contains("unknown GPU 'h900'", e.Message);
        Assert.Contains("rtx-pro-6000", e.Message);
    }

    [Fact]
    public void Apple_HasUnifiedMemoryFromTheRequestAndPricedOptions()
    {
        var m3 = HardwareCatalog.Default.Get("m3-ultra");
        Assert.True(m3.IsUnifiedMemory);
        Assert.Null(m3.MemoryBytes);
        Assert.Contains(m3.MemoryOptions, o => o.MemoryGb == 512);
    }

    [Fact]
    public void PeakFlops_Fp8OnA100_FallsBackToBf16Rate()
    {
        var a100 = HardwareCatalog.Default.Get("a100");
        Assert.Equal(312e12, a100.PeakFlopsPerSecond(ComputePrecision.Fp8));
        Assert.Equal(1979e12, HardwareCatalog.Default.Get("h100").PeakFlopsPerSecond(ComputePrecision.Fp8));
    }

    [Fact]
    public void SystemMemory_Defaults_AreEightChannelsOfDdr5_4800()
    {
        var ram = HardwareCatalog.Default.SystemMemory(256_000_000_000);
        Assert.Equal("ddr5-4800", ram.RamType);
        Assert.Equal(8, ram.Channels);
        Assert.Equal(8 * 4.8e9 * 8, ram.BandwidthBytesPerSecond);
    }

    [Fact]
    public void SystemMemory_DesktopDdr5_6400_IsTwoChannelsTimesRateTimesEightBytes() =>
        Assert.Equal(2 * 6.4e9 * 8, HardwareCatalog.Default.SystemMemory(1, "ddr5-6400", 2).BandwidthBytesPerSecond);

    [Theory]
    [InlineData("ddr3-1600", 2, "unknown RAM type")]
    [InlineData("ddr5-4800", 0, "between 1 and 24")]
    public void SystemMemory_BadInput_Throws(string type, int channels, string expected)
    {
        var e = Assert.Throws<CatalogException>(() => HardwareCatalog.Default.SystemMemory(1, type, channels));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Pcie_Gen5IsTwiceGen4() =>
        Assert.Equal(2 * HardwareCatalog.Default.PcieBytesPerSecond(4), HardwareCatalog.Default.PcieBytesPerSecond(5));
}
