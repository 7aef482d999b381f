namespace LlmFleet.Catalog.Hardware;

/// <summary>
/// Host memory: how much there is and how fast the CPU reads it. MoE offload puts routed experts here, and each
/// decoded token then reads its active experts at this bandwidth.
/// </summary>
/// <param name="RamType">A DDR generation and speed, e.g. <c>ddr5-4800</c>.</param>
public sealed record SystemMemory(long Bytes, string RamType, int Channels, double BandwidthBytesPerSecond);
