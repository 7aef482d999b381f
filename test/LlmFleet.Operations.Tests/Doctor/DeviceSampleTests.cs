using LlmFleet.Operations.Doctor.Nvidia;

namespace LlmFleet.Operations.Tests.Doctor;

/// <summary>The doctor's own nvidia-smi query, as a real H200 host answered it (testassets/nvidia-smi/README.md).</summary>
public sealed class DeviceSampleTests
{
    [Fact]
    public void Parse_H200DoctorQuery_ReadsEveryFieldTheDoctorAsksFor()
    {
        var gpu = Assert.Single(NvidiaSmiCsv.Parse(File.ReadAllText(TestPaths.Asset("nvidia-smi", "h200-580-doctor-query.csv"))));
        Assert.Equal("NVIDIA H200", gpu.Name);
        Assert.Equal("580.159.04", gpu.DriverVersion);
        Assert.Equal(143771L << 20, gpu.MemoryTotalBytes);
        Assert.Equal(143156L << 20, gpu.MemoryFreeBytes);
        Assert.Equal("Enabled", gpu.EccMode);
        Assert.Equal("Enabled", gpu.PersistenceMode);
        Assert.Equal((5, 5, 16, 16), (gpu.PcieGenerationCurrent, gpu.PcieGenerationMax, gpu.PcieWidthCurrent, gpu.PcieWidthMax));
    }

    [Fact]
    public void Parse_H200Banner_ReadsDriverAndCuda()
    {
        var (driver, cuda) = NvidiaSmiBanner.Parse(File.ReadAllText(TestPaths.Asset("nvidia-smi", "h200-580-banner.txt")));
        Assert.Equal("580.159.04", driver);
        Assert.Equal("13.0", cuda);
    }
}
