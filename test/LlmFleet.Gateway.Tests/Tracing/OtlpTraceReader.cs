using Google.Protobuf;

namespace LlmFleet.Gateway.Tests.Tracing;

/// <summary>One span as an OTLP exporter sent it, with the scope and resource it came under.</summary>
internal sealed record ExportedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, string Scope,
    IReadOnlyDictionary<string, object> Attributes, IReadOnlyList<string> Events, IReadOnlyDictionary<string, object> Resource)
{
    /// <summary>OTLP's <c>Span.SpanKind</c> values.</summary>
    public const int Server = 2;
    public const int Client = 3;
}

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) with protobuf's wire-format
/// reader: only the fields the tests look at, every other field skipped. Field numbers from opentelemetry-proto's
/// trace.proto and common.proto.
/// </summary>
internal static class OtlpTraceReader
{
    public static List<ExportedSpan> Read(byte[] request)
    {
        var spans = new List<ExportedSpan>();
        foreach (var resourceSpans in Repeated(request, 1))
        {
            var resource = new Dictionary<string, object>();
            foreach (var r in Repeated(resourceSpans, 1))
            {
                foreach (var kv in Repeated(r, 1))
                {
                    AddKeyValue(kv, resource);
                }
            }
            foreach (var scopeSpans in Repeated(resourceSpans, 2))
            {
                var scope = Repeated(scopeSpans, 1).Select(s => Fields(s).GetValueOrDefault(1) as ByteString).FirstOrDefault()?.ToStringUtf8() ?? "";
                spans.AddRange(Repeated(scopeSpans, 2).Select(s => ReadSpan(s, scope, resource)));
            }
        }
        return spans;
    }

    private static ExportedSpan ReadSpan(byte[] span, string scope, Dictionary<string, object> resource)
    {
        var fields = Fields(span);
        var attributes = new Dictionary<string, object>();
        foreach (var kv in Repeated(span, 9))
        {
            AddKeyValue(kv, attributes);
        }
        var events = Repeated(span, 11).Select(e => (Fields(e).GetValueOrDefault(2) as ByteString)?.ToStringUtf8() ?? "").ToList();
        return new ExportedSpan(Hex(fields, 1), Hex(fields, 2), Hex(fields, 4), (fields.GetValueOrDefault(5) as ByteString)?.ToStringUtf8() ?? "",
            (int)(fields.GetValueOrDefault(6) as ulong? ?? 0), scope, attributes, events, resource);
    }

    private static string Hex(Dictionary<int, object> fields, int number) =>
        fields.GetValueOrDefault(number) is ByteString b ? Convert.ToHexStringLower(b.Span) : "";

    /// <summary>KeyValue { key = 1; AnyValue value = 2 }, AnyValue { string = 1, bool = 2, int = 3, double = 4 }.</summary>
    private static void AddKeyValue(byte[] keyValue, Dictionary<string, object> into)
    {
        var kv = Fields(keyValue);
        var key = ((ByteString)kv[1]).ToStringUtf8();
        var value = Fields(((ByteString)kv[2]).ToByteArray());
        into[key] = value.GetValueOrDefault(1) is ByteString s ? s.ToStringUtf8()
            : value.GetValueOrDefault(2) is ulong b ? b != 0
            : value.GetValueOrDefault(3) is ulong i ? (long)i
            : value.GetValueOrDefault(4) is ulong d ? BitConverter.Int64BitsToDouble((long)d)
            : "(other)";
    }

    /// <summary>Each occurrence of a length-delimited field, as bytes.</summary>
    private static IEnumerable<byte[]> Repeated(byte[] message, int number)
    {
        var input = new CodedInputStream(message);
        uint tag;
        var found = new List<byte[]>();
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }

    /// <summary>The last value of each field: varints and fixed64 as <see cref="ulong"/>, length-delimited as <see cref="ByteString"/>.</summary>
    private static Dictionary<int, object> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new Dictionary<int, object>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint: fields[number] = input.ReadUInt64(); break;
                case WireFormat.WireType.Fixed64: fields[number] = input.ReadFixed64(); break;
                case WireFormat.WireType.LengthDelimited: fields[number] = input.ReadBytes(); break;
                default: input.SkipLastField(); break;
            }
        }
        return fields;
    }
}
