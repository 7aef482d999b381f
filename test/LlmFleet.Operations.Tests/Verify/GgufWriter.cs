using System.Text;

namespace LlmFleet.Operations.Tests.Verify;

/// <summary>A GGUF tensor to write: ggml type id, dimensions (innermost first) and its size in bytes.</summary>
internal sealed record GgufTensorSpec(string Name, uint Type, ulong[] Dimensions, long Bytes);

/// <summary>
/// Writes real GGUF files as ggml's docs/gguf.md specifies: magic, version, tensor count, metadata count, metadata
/// key/value pairs (a string, a uint32 alignment, an array), tensor infos, padding to the alignment, tensor data at
/// aligned offsets. Hooks let a test damage the version, counts, alignment or offsets.
/// </summary>
internal sealed class GgufWriter
{
    public uint Version { get; init; } = 3;

    public uint Alignment { get; init; } = 32;

    /// <summary>Overrides the tensor count written in the header (to damage it).</summary>
    public ulong? TensorCountOverride { get; init; }

    /// <summary>Changes a tensor's offset after layout (to damage it).</summary>
    public Func<GgufTensorSpec, ulong, ulong>? EditOffset { get; init; }

    /// <summary>F32 [n] and Q4_0 [64, 2] (two rows of two 32-element blocks of 18 bytes).</summary>
    public static IReadOnlyList<GgufTensorSpec> SampleTensors { get; } =
    [
        new("token_embd.weight", 0, [10], 40),
        new("blk.0.attn_q.weight", 2, [64, 2], 2 * 2 * 18),
        new("output_norm.weight", 30, [16], 32),
    ];

    public void Write(string path, IReadOnlyList<GgufTensorSpec> tensors)
    {
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(0x46554747u);
        w.Write(Version);
        w.Write(TensorCountOverride ?? (ulong)tensors.Count);
        w.Write(3ul);
        WriteString(w, "general.architecture");
        w.Write(8u);
        WriteString(w, "llama");
        WriteString(w, "general.alignment");
        w.Write(4u);
        w.Write(Alignment);
        WriteString(w, "tokenizer.ggml.tokens");
        w.Write(9u);
        w.Write(8u);
        w.Write(2ul);
        WriteString(w, "<s>");
        WriteString(w, "</s>");

        var offsets = new List<ulong>();
        ulong next = 0;
        foreach (var t in tensors)
        {
            offsets.Add(EditOffset?.Invoke(t, next) ?? next);
            next = (next + (ulong)t.Bytes + Alignment - 1) / Alignment * Alignment;
        }
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            WriteString(w, t.Name);
            w.Write((uint)t.Dimensions.Length);
            foreach (var d in t.Dimensions)
            {
                w.Write(d);
            }
            w.Write(t.Type);
            w.Write(offsets[i]);
        }
        w.Flush();
        var dataStart = (stream.Position + Alignment - 1) / Alignment * Alignment;
        w.Write(new byte[dataStart - stream.Position]);
        var data = new byte[next];
        new Random(7).NextBytes(data);
        w.Write(data);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
