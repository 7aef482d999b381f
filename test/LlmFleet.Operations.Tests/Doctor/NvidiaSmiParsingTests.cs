using LlmFleet.Operations.Doctor.Nvidia;

namespace LlmFleet.Operations.Tests.Doctor;

/// <summary>nvidia-smi output parsed from real samples (testassets/nvidia-smi/README.md names each source).</summary>
public sealed class NvidiaSmiParsingTests
{
    private static IReadOnlyList<GpuInfo> Csv(string asset) => NvidiaSmiCsv.Parse(File.ReadAllText(TestPaths.Asset("nvidia-smi", asset)));

    [Theory]
    [InlineData("h100-580-compute-cap.csv", 1, "NVIDIA H100 80GB HBM3")]
    [InlineData("l40s-575-clocks.csv", 2, "NVIDIA L40S")]
    [InlineData("l40-580-two-gpus.csv", 2, "NVIDIA L40")]
    [InlineData("rtx3090-535-nounits.csv", 1, "GeForce RTX 3090")]
    [InlineData("a6000-3090-pcie.csv", 2, "NVIDIA RTX A6000")]
    [InlineData("gtx1060-egpu-pcie.csv", 2, "NVIDIA GeForce GTX 1060")]
    [InlineData("gtx1080ti-580-free.csv", 1, "NVIDIA GeForce GTX 1080 Ti")]
    [InlineData("rtx6000ada-persistence-ecc.csv", 1, "NVIDIA RTX 6000 Ada Generation")]
    public void Parse_RealSample_ReadsEveryGpuByHeaderName(string asset, int gpus, string firstName)
    {
        var parsed = Csv(asset);
        Assert.Equal(gpus, parsed.Count);
        Assert.Equal(firstName, parsed[0].Name);
        Assert.Equal(Enumerable.Range(0, gpus), parsed.Select(g => g.Index));
    }

    [Fact]
    public void Parse_H100_ReadsDriverAndMemoryInMiB()
    {
        var gpu = Assert.Single(Csv("h100-580-compute-cap.csv"));
        Assert.Equal("580.82.07", gpu.DriverVersion);
        Assert.Equal(81559L << 20, gpu.MemoryTotalBytes);
        Assert.Null(gpu.MemoryFreeBytes);
    }

    [Fact]
    public void Parse_ValuesWithoutUnits_TakeTheHeadersUnit()
    {
        var gpu = Assert.Single(Csv("rtx3090-535-nounits.csv"));
        Assert.Equal(24576L << 20, gpu.MemoryTotalBytes);
        Assert.Equal(24451L << 20, gpu.MemoryFreeBytes);
    }

    [Fact]
    public void Parse_PcieColumns_ReadGenerationAndWidth()
    {
        var egpu = Csv("gtx1060-egpu-pcie.csv")[1];
        Assert.Equal((1, 4), (egpu.PcieGenerationCurrent, egpu.PcieWidthCurrent));
        Assert.Null(egpu.PcieWidthMax);
    }

    [Fact]
    public void Parse_PersistenceAndEcc_AreRead()
    {
        var gpu = Assert.Single(Csv("rtx6000ada-persistence-ecc.csv"));
        Assert.Equal(("Enabled", "Enabled"), (gpu.PersistenceMode, gpu.EccMode));
    }

    [Fact]
    public void Parse_ErrorMessageInsteadOfCsv_Throws()
    {
        var text = File.ReadAllText(TestPaths.Asset("nvidia-smi", "no-driver.txt"));
        Assert.Throws<FormatException>(() => NvidiaSmiCsv.Parse(text));
    }

    [Theory]
    [InlineData("a100-580-banner.txt", "580.126.09", "13.0")]
    [InlineData("b200-610-banner.txt", "610.43.02", "13.3")]
    [InlineData("titanxp-450-banner.txt", "450.57", "11.0")]
    [InlineData("quadro-p2200-450-query.txt", "450.80.02", "11.0")]
    public void Banner_RealSample_GivesDriverAndCudaVersion(string asset, string driver, string cuda)
    {
        Assert.Equal((driver, cuda), NvidiaSmiBanner.Parse(File.ReadAllText(TestPaths.Asset("nvidia-smi", asset))));
    }
}
