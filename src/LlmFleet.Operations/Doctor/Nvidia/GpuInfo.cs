namespace LlmFleet.Operations.Doctor.Nvidia;

/// <summary>One GPU as <c>nvidia-smi --query-gpu</c> reports it; a field is null where the GPU reports N/A or the
/// query did not ask for it.</summary>
/// <param name="EccMode">"Enabled", "Disabled", or null (consumer GPUs have no ECC).</param>
/// <param name="PersistenceMode">"Enabled" or "Disabled".</param>
public sealed record GpuInfo(
    int Index,
    string Name,
    string? DriverVersion,
    long? MemoryTotalBytes,
    long? MemoryFreeBytes,
    string? EccMode,
    string? PersistenceMode,
    int? PcieGenerationCurrent,
    int? PcieGenerationMax,
    int? PcieWidthCurrent,
    int? PcieWidthMax);
