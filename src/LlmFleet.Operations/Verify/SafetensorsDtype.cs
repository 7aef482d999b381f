namespace LlmFleet.Operations.Verify;

/// <summary>
/// Element widths of the dtypes a safetensors header may name (huggingface/safetensors, <c>Dtype</c> in
/// safetensors/src/tensor.rs). Sub-byte types (F4, F6) pack elements, so sizes are counted in bits.
/// </summary>
internal static class SafetensorsDtype
{
    private static readonly Dictionary<string, int> BitsByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 8,
        ["U8"] = 8,
        ["I8"] = 8,
        ["F8_E5M2"] = 8,
        ["F8_E4M3"] = 8,
        ["F8_E8M0"] = 8,
        ["F4"] = 4,
        ["F6_E2M3"] = 6,
        ["F6_E3M2"] = 6,
        ["I16"] = 16,
        ["U16"] = 16,
        ["F16"] = 16,
        ["BF16"] = 16,
        ["I32"] = 32,
        ["U32"] = 32,
        ["F32"] = 32,
        ["C64"] = 64,
        ["F64"] = 64,
        ["I64"] = 64,
        ["U64"] = 64,
    };

    public static bool TryGetBits(string name, out int bits) => BitsByName.TryGetValue(name, out bits);
}
