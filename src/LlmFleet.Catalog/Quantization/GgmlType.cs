namespace LlmFleet.Catalog.Quantization;

/// <summary>A llama.cpp tensor type: how many weights one block holds and how many bytes it takes.</summary>
/// <param name="Id">The <c>ggml_type</c> number a GGUF file's tensor info stores.</param>
/// <param name="Layout">The block struct's fields, as in <c>ggml-common.h</c>.</param>
/// <remarks>A tensor of this type takes (elements / <see cref="BlockElements"/>) × <see cref="BlockBytes"/> bytes.</remarks>
public sealed record GgmlType(uint Id, string Name, int BlockElements, int BlockBytes, string Layout)
{
    public double BitsPerWeight => 8.0 * BlockBytes / BlockElements;
}
