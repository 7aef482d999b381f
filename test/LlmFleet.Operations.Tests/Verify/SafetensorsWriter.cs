using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmFleet.Operations.Tests.Verify;

/// <summary>A tensor to write: its dtype, shape and the bytes that dtype × shape needs.</summary>
internal sealed record TensorSpec(string Name, string Dtype, long[] Shape, int BytesPerElement)
{
    public long Bytes => Shape.Aggregate(1L, (a, b) => a * b) * BytesPerElement;
}

/// <summary>
/// Writes real safetensors files as the format's README specifies: 8-byte little-endian header length, a JSON
/// header (padded with spaces to a multiple of 8, as the reference writer does), then each tensor's bytes in order.
/// An <c>editHeader</c> callback lets a test damage the header before it is written.
/// </summary>
internal static class SafetensorsWriter
{
    public static TensorSpec Bf16(string name, params long[] shape) => new(name, "BF16", shape, 2);

    public static TensorSpec F32(string name, params long[] shape) => new(name, "F32", shape, 4);

    public static void Write(string path, IReadOnlyList<TensorSpec> tensors, Action<JsonObject>? editHeader = null)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var t in tensors)
        {
            header[t.Name] = new JsonObject
            {
                ["dtype"] = t.Dtype,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Bytes),
            };
            offset += t.Bytes;
        }
        editHeader?.Invoke(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(json);
        file.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
        var data = new byte[offset];
        new Random(42).NextBytes(data);
        file.Write(data);
    }

    /// <summary>Writes raw header text with a correct length prefix and <paramref name="dataBytes"/> of data.</summary>
    public static void WriteRawHeader(string path, string headerText, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(headerText);
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        file.Write(new byte[dataBytes]);
    }
}
