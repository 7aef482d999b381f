namespace LlmFleet.Planning.Performance;

/// <summary>
/// Fractions of one GPU's datasheet peaks that the kernels of a decode step reach, from
/// <c>Data/Calibration/gpu-kernels.json</c> (measured by <c>bench/gpu/calibrate.py</c>, or derived by a stated rule).
/// </summary>
/// <param name="Hbm">Dense weight reads at small batch.</param>
/// <param name="Moe">Grouped expert GEMMs at a few tokens per expert.</param>
/// <param name="Attention">Decode attention over the KV cache.</param>
/// <param name="Gemm">Dense GEMMs at 256+ tokens, of the tensor peak at the format's compute precision.</param>
/// <param name="Prefill">GEMMs at prefill chunk sizes, of the same peak.</param>
public sealed record KernelEfficiency(string Gpu, double Hbm, double Moe, double Attention, double Gemm, double Prefill);
