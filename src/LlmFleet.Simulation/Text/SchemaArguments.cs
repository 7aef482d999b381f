using System.Buffers;
using System.Text.Json;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// Arguments for a tool call that a client can parse and a validator would accept: a JSON object with every property
/// of the tool's schema, each a value of its declared type (first enum value, a word for strings, a number in range).
/// </summary>
internal static class SchemaArguments
{
    private const int MaxDepth = 4;

    public static byte[] Generate(JsonElement? parameters, ref SplitMix64 rng)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (parameters is { ValueKind: JsonValueKind.Object } schema)
            {
                WriteValue(json, schema, ref rng, 0, forceObject: true);
            }
            else
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter json, JsonElement schema, ref SplitMix64 rng, int depth, bool forceObject = false)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            json.WriteStringValue("value");
            return;
        }
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(json);
            return;
        }
        var type = forceObject ? "object" : TypeOf(schema);
        switch (type)
        {
            case "object":
                json.WriteStartObject();
                if (depth < MaxDepth && schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in props.EnumerateObject())
                    {
                        json.WritePropertyName(p.Name);
                        WriteValue(json, p.Value, ref rng, depth + 1);
                    }
                }
                json.WriteEndObject();
                break;
            case "array":
                json.WriteStartArray();
                if (depth < MaxDepth && schema.TryGetProperty("items", out var items))
                {
                    WriteValue(json, items, ref rng, depth + 1);
                }
                json.WriteEndArray();
                break;
            case "integer":
                json.WriteNumberValue(Bounded(schema, ref rng, integer: true));
                break;
            case "number":
                json.WriteNumberValue(Bounded(schema, ref rng, integer: false));
                break;
            case "boolean":
                json.WriteBooleanValue(rng.Next(2) == 0);
                break;
            case "null":
                json.WriteNullValue();
                break;
            default:
                var word = PseudoWords.Bytes(rng.Next(PseudoWords.Count - 2), first: true);
                json.WriteStringValue(word);
                break;
        }
    }

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var t))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : "string";
        }
        if (t.ValueKind == JsonValueKind.String)
        {
            return t.GetString() ?? "string";
        }
        if (t.ValueKind == JsonValueKind.Array)
        {
            foreach (var option in t.EnumerateArray())
            {
                if (option.ValueKind == JsonValueKind.String && option.GetString() != "null")
                {
                    return option.GetString()!;
                }
            }
        }
        return "string";
    }

    private static double Bounded(JsonElement schema, ref SplitMix64 rng, bool integer)
    {
        var min = schema.TryGetProperty("minimum", out var lo) && lo.TryGetDouble(out var l) ? l : 0;
        var max = schema.TryGetProperty("maximum", out var hi) && hi.TryGetDouble(out var h) ? h : min + 100;
        var value = min + rng.NextDouble() * Math.Max(0, max - min);
        return integer ? Math.Floor(value) : Math.Round(value, 2);
    }
}
