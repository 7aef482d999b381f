namespace LlmFleet.Catalog.Quantization;

/// <summary>A llama.cpp tensor type: how many weights one block holds and how many bytes it takes.</summary>
/// <param name="Layout">The block struct's fields, as in <c>ggml-common.h</c>.</param>
public sealed record GgmlType(string Name, int BlockElements, int BlockBytes, string Layout)
{
    public double BitsPerWeight => 8.0 * BlockBytes / BlockElements;
}
