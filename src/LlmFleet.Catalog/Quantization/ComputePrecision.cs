namespace LlmFleet.Catalog.Quantization;

/// <summary>
/// The precision the matrix multiplies run in, which picks the GPU's peak rate: weight-only formats (AWQ, GPTQ, GGUF)
/// dequantize to BF16 and run at the BF16 rate; FP8/INT8 W8A8 use the 8-bit tensor cores; NVFP4 the 4-bit ones.
/// </summary>
public enum ComputePrecision
{
    Bf16,
    Fp8,
    Int8,
    Fp4,
}
