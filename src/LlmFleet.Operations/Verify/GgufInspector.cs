using System.Text;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Operations.Verify;

/// <summary>
/// Checks a file against the GGUF format (ggml-org/ggml, docs/gguf.md): magic "GGUF", version, tensor and
/// metadata counts, the metadata key/value pairs, then one info per tensor (name, dimensions, type, offset); the
/// tensor data starts at the next multiple of <c>general.alignment</c> (default 32) and every tensor's offset must
/// be aligned and its bytes must lie inside the file. Reads the header and tensor table only.
/// </summary>
internal static class GgufInspector
{
    private const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    private const uint DefaultAlignment = 32;
    private const int MaxDimensions = 4; // GGML_MAX_DIMS

    private sealed class FormatFault(string message) : Exception(message);

    private sealed record TensorInfo(string Name, long[] Dimensions, uint Type, ulong Offset);

    public static IReadOnlyList<string> Inspect(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var faults = new List<string>();
        var fileBytes = stream.Length;
        try
        {
            if (fileBytes < 24)
            {
                throw new FormatFault($"file is {fileBytes} bytes, shorter than the 24-byte GGUF header");
            }
            var magic = reader.ReadUInt32();
            if (magic != Magic)
            {
                throw new FormatFault($"does not start with the GGUF magic (first bytes 0x{magic:X8}, expected \"GGUF\")");
            }
            var version = reader.ReadUInt32();
            if (version is not (2 or 3))
            {
                throw new FormatFault($"GGUF version {version} is not supported (versions 2 and 3 are)");
            }
            var tensorCount = reader.ReadUInt64();
            var metadataCount = reader.ReadUInt64();
            // Each metadata pair takes at least 13 bytes and each tensor info at least 24: a count beyond that is damage.
            if (metadataCount > (ulong)fileBytes / 13 || tensorCount > (ulong)fileBytes / 24)
            {
                throw new FormatFault($"header counts ({tensorCount} tensors, {metadataCount} metadata pairs) cannot fit in a {fileBytes}-byte file (damaged header, or file truncated)");
            }
            var alignment = DefaultAlignment;
            for (ulong i = 0; i < metadataCount; i++)
            {
                var key = ReadString(reader, fileBytes, $"metadata key #{i}");
                var type = reader.ReadUInt32();
                var value = ReadValue(reader, type, fileBytes, key);
                if (key == "general.alignment")
                {
                    if (value is not uint a || a == 0 || a % 8 != 0)
                    {
                        throw new FormatFault($"general.alignment is {value ?? "not a uint32"}; it must be a non-zero multiple of 8");
                    }
                    alignment = a;
                }
            }
            var tensors = new List<TensorInfo>();
            for (ulong i = 0; i < tensorCount; i++)
            {
                tensors.Add(ReadTensorInfo(reader, fileBytes, i));
            }
            var dataStart = (stream.Position + alignment - 1) / alignment * alignment;
            CheckTensors(tensors, dataStart, alignment, fileBytes, faults);
        }
        catch (FormatFault e)
        {
            faults.Add(e.Message);
        }
        catch (EndOfStreamException)
        {
            faults.Add($"file ends at byte {fileBytes}, inside its header or tensor table (file truncated)");
        }
        return faults;
    }

    private static TensorInfo ReadTensorInfo(BinaryReader reader, long fileBytes, ulong index)
    {
        var name = ReadString(reader, fileBytes, $"tensor #{index} name");
        var dimensionCount = reader.ReadUInt32();
        if (dimensionCount is 0 or > MaxDimensions)
        {
            throw new FormatFault($"tensor '{name}' has {dimensionCount} dimensions (1 to {MaxDimensions} allowed; damaged tensor info)");
        }
        var dims = new long[dimensionCount];
        for (var d = 0; d < dimensionCount; d++)
        {
            var dim = reader.ReadUInt64();
            if (dim > long.MaxValue / 2)
            {
                throw new FormatFault($"tensor '{name}' has dimension {d} = {dim} (damaged tensor info)");
            }
            dims[d] = (long)dim;
        }
        return new TensorInfo(name, dims, reader.ReadUInt32(), reader.ReadUInt64());
    }

    private static void CheckTensors(List<TensorInfo> tensors, long dataStart, uint alignment, long fileBytes, List<string> faults)
    {
        var ranges = new List<(string Name, ulong Begin, ulong End)>();
        foreach (var t in tensors)
        {
            var shape = string.Join("×", t.Dimensions);
            if (!QuantizationCatalog.Default.GgmlTypesById.TryGetValue(t.Type, out var type))
            {
                faults.Add($"tensor '{t.Name}' has unknown type {t.Type}");
                continue;
            }
            if (t.Dimensions[0] % type.BlockElements != 0)
            {
                faults.Add($"tensor '{t.Name}' is {type.Name} [{shape}]: its first dimension is not a multiple of the {type.BlockElements}-element block");
                continue;
            }
            if (t.Offset % alignment != 0)
            {
                faults.Add($"tensor '{t.Name}' starts at data offset {t.Offset}, not a multiple of the alignment {alignment}");
            }
            Int128 bytes = t.Dimensions[0] / type.BlockElements * type.BlockBytes;
            foreach (var d in t.Dimensions.Skip(1))
            {
                bytes *= d;
            }
            var end = (Int128)dataStart + t.Offset + bytes;
            if (end > fileBytes)
            {
                faults.Add($"tensor '{t.Name}' ({type.Name} [{shape}], {bytes} bytes at data offset {t.Offset}) ends at byte {end}, " +
                    $"past the end of the {fileBytes}-byte file (file truncated or offset damaged)");
                continue;
            }
            ranges.Add((t.Name, t.Offset, t.Offset + (ulong)bytes));
        }
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        for (var i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Begin < ranges[i - 1].End)
            {
                faults.Add($"tensor '{ranges[i].Name}' [{ranges[i].Begin}, {ranges[i].End}) overlaps tensor '{ranges[i - 1].Name}' [{ranges[i - 1].Begin}, {ranges[i - 1].End})");
            }
        }
    }

    private static string ReadString(BinaryReader reader, long fileBytes, string what)
    {
        var length = reader.ReadUInt64();
        if (length > (ulong)(fileBytes - reader.BaseStream.Position))
        {
            throw new FormatFault($"{what} claims a {length}-byte string, longer than the rest of the file (damaged or truncated)");
        }
        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    /// <summary>Reads one metadata value (gguf_metadata_value_type); returns it for the scalar types we need.</summary>
    private static object? ReadValue(BinaryReader reader, uint type, long fileBytes, string key)
    {
        switch (type)
        {
            case 0: return reader.ReadByte();
            case 1: return reader.ReadSByte();
            case 2: return reader.ReadUInt16();
            case 3: return reader.ReadInt16();
            case 4: return reader.ReadUInt32();
            case 5: return reader.ReadInt32();
            case 6: return reader.ReadSingle();
            case 7: return reader.ReadByte();
            case 8: return ReadString(reader, fileBytes, $"metadata value of '{key}'");
            case 10: return reader.ReadUInt64();
            case 11: return reader.ReadInt64();
            case 12: return reader.ReadDouble();
            case 9:
                var elementType = reader.ReadUInt32();
                var count = reader.ReadUInt64();
                if (count > (ulong)(fileBytes - reader.BaseStream.Position))
                {
                    throw new FormatFault($"metadata array '{key}' claims {count} elements, more than the rest of the file holds (damaged or truncated)");
                }
                for (ulong i = 0; i < count; i++)
                {
                    ReadValue(reader, elementType, fileBytes, key);
                }
                return null;
            default:
                throw new FormatFault($"metadata '{key}' has unknown value type {type} (damaged metadata)");
        }
    }
}
