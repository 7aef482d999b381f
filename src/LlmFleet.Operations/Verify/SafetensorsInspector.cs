using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace LlmFleet.Operations.Verify;

/// <summary>One tensor of a safetensors header; offsets are relative to the data section after the header.</summary>
internal sealed record SafetensorsTensor(string Name, string Dtype, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long Bytes => End - Begin;
}

/// <summary>The tensors a safetensors file declares, and every way its layout breaks the format.</summary>
internal sealed record SafetensorsInspection(IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyList<string> Faults);

/// <summary>
/// Checks a file against the safetensors format (huggingface/safetensors, README "Format"): an 8-byte little-endian
/// header length N, N bytes of JSON mapping tensor names to dtype, shape and [begin, end) data offsets, then the
/// data. Each tensor's byte range must equal dtype × shape, and the ranges must tile the data section exactly.
/// Only the header is read, so this costs the same for a 5 GB shard as for a 5 KB one.
/// </summary>
internal static class SafetensorsInspector
{
    /// <summary>The reference implementation refuses headers above 100 MB (MAX_HEADER_SIZE).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    public static SafetensorsInspection Inspect(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fileBytes = RandomAccess.GetLength(handle);
        if (fileBytes < 8)
        {
            return Broken($"file is {fileBytes} bytes, shorter than the 8-byte header length that starts every safetensors file");
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        RandomAccess.Read(handle, lengthBytes, 0);
        var headerBytes = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerBytes > MaxHeaderBytes)
        {
            return Broken($"header length field says {headerBytes} bytes, above the format's 100 MB limit (not a safetensors file, or its first bytes are damaged)");
        }
        if (8 + (long)headerBytes > fileBytes)
        {
            return Broken($"header length field says {headerBytes} bytes but only {fileBytes - 8} follow (file truncated)");
        }
        var dataBytes = fileBytes - 8 - (long)headerBytes;
        var buffer = ArrayPool<byte>.Shared.Rent((int)headerBytes);
        try
        {
            var header = buffer.AsSpan(0, (int)headerBytes);
            ReadExactly(handle, header, 8);
            return InspectHeader(header, dataBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static SafetensorsInspection InspectHeader(ReadOnlySpan<byte> header, long dataBytes)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            return Broken("header does not start with '{' (the JSON header is damaged)");
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(header);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            return Broken($"header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var faults = new List<string>();
            var tensors = ReadTensors(document.RootElement, faults);
            CheckTiling(tensors, dataBytes, faults);
            return new SafetensorsInspection(tensors, faults);
        }
    }

    private static List<SafetensorsTensor> ReadTensors(JsonElement root, List<string> faults)
    {
        var tensors = new List<SafetensorsTensor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                continue;
            }
            if (!seen.Add(property.Name))
            {
                faults.Add($"tensor '{property.Name}' appears twice in the header");
                continue;
            }
            if (TryReadTensor(property.Name, property.Value, out var tensor, out var fault))
            {
                tensors.Add(tensor);
                CheckSize(tensor, faults);
            }
            else
            {
                faults.Add(fault);
            }
        }
        return tensors;
    }

    private static bool TryReadTensor(string name, JsonElement value, out SafetensorsTensor tensor, out string fault)
    {
        tensor = null!;
        fault = "";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array)
        {
            fault = $"tensor '{name}' lacks 'dtype', 'shape' or 'data_offsets'";
            return false;
        }
        var dims = new List<long>();
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
            {
                fault = $"tensor '{name}' has a shape that is not a list of non-negative integers: {shape.GetRawText()}";
                return false;
            }
            dims.Add(dim);
        }
        if (offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            fault = $"tensor '{name}' has data_offsets {offsets.GetRawText()}, not [begin, end] with 0 <= begin <= end";
            return false;
        }
        tensor = new SafetensorsTensor(name, dtype.GetString()!, dims, begin, end);
        return true;
    }

    private static void CheckSize(SafetensorsTensor tensor, List<string> faults)
    {
        if (!SafetensorsDtype.TryGetBits(tensor.Dtype, out var bits))
        {
            faults.Add($"tensor '{tensor.Name}' has unknown dtype '{tensor.Dtype}'");
            return;
        }
        Int128 elements = 1;
        foreach (var d in tensor.Shape)
        {
            elements *= d;
        }
        var totalBits = elements * bits;
        var expected = totalBits / 8;
        if (totalBits % 8 != 0 || expected != tensor.Bytes)
        {
            faults.Add($"tensor '{tensor.Name}' is {tensor.Dtype} [{string.Join(", ", tensor.Shape)}] = {expected} bytes, " +
                $"but its data_offsets [{tensor.Begin}, {tensor.End}) hold {tensor.Bytes} bytes");
        }
    }

    /// <summary>Ranges sorted by start must follow each other with no gap or overlap, from 0 to the end of file.</summary>
    private static void CheckTiling(List<SafetensorsTensor> tensors, long dataBytes, List<string> faults)
    {
        SafetensorsTensor? previous = null;
        long cursor = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin > cursor)
            {
                faults.Add($"gap of {t.Begin - cursor} bytes before tensor '{t.Name}' (data bytes [{cursor}, {t.Begin}) belong to no tensor)");
            }
            else if (t.Begin < cursor && previous is not null)
            {
                faults.Add($"tensor '{t.Name}' [{t.Begin}, {t.End}) overlaps tensor '{previous.Name}' [{previous.Begin}, {previous.End})");
            }
            if (t.End > cursor)
            {
                cursor = t.End;
                previous = t;
            }
        }
        if (cursor > dataBytes)
        {
            faults.Add($"tensor '{previous!.Name}' ends at data byte {cursor} but the file holds only {dataBytes} data bytes (file truncated)");
        }
        else if (cursor < dataBytes)
        {
            faults.Add($"{dataBytes - cursor} bytes after the last tensor belong to no tensor (data ends at {cursor}, file holds {dataBytes})");
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static SafetensorsInspection Broken(string fault) => new([], [fault]);
}
