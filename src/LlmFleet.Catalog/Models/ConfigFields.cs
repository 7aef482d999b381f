using System.Text.Json;

namespace LlmFleet.Catalog.Models;

/// <summary>Typed access to a config.json object, with errors that name the field.</summary>
internal sealed class ConfigFields(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public bool Has(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind is not JsonValueKind.Null;

    /// <summary>A required positive integer.</summary>
    public int Size(string name) => PositiveOrThrow(name, Long(name) ?? throw Missing(name));

    /// <summary>The first of several alternative names that is present (families spell the same thing differently).</summary>
    public int Size(params string[] names)
    {
        foreach (var n in names)
        {
            if (Has(n))
            {
                return Size(n);
            }
        }
        throw new CatalogException($"config.json is missing required field '{names[0]}'" +
            (names.Length > 1 ? $" (or {string.Join(", ", names.Skip(1).Select(n => $"'{n}'"))})" : ""));
    }

    public int? OptionalSize(string name) => Has(name) ? PositiveOrThrow(name, Long(name)!.Value) : null;

    /// <summary>An optional non-negative integer (0 is meaningful, e.g. <c>first_k_dense_replace</c>).</summary>
    public int Count(string name, int fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }
        var v = Long(name)!.Value;
        return v < 0
            ? throw new CatalogException($"config.json field '{name}' must not be negative (got {v})")
            : checked((int)v);
    }

    public long? Long(string name)
    {
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind is JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l))
            {
                return l;
            }
            if (v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < long.MaxValue)
            {
                return (long)d;
            }
        }
        throw new CatalogException($"config.json field '{name}' must be an integer (got {v.GetRawText()})");
    }

    public double? Double(string name) =>
        !Has(name) ? null
        : Root.GetProperty(name).ValueKind is JsonValueKind.Number ? Root.GetProperty(name).GetDouble()
        : throw new CatalogException($"config.json field '{name}' must be a number (got {Root.GetProperty(name).GetRawText()})");

    public bool Bool(string name, bool fallback) =>
        !Has(name) ? fallback
        : Root.GetProperty(name).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CatalogException($"config.json field '{name}' must be true or false (got {Root.GetProperty(name).GetRawText()})"),
        };

    public string? String(string name) =>
        !Has(name) ? null
        : Root.GetProperty(name).ValueKind is JsonValueKind.String ? Root.GetProperty(name).GetString()
        : throw new CatalogException($"config.json field '{name}' must be a string (got {Root.GetProperty(name).GetRawText()})");

    public IReadOnlyList<int> IntList(string name) =>
        !Has(name) ? []
        : Root.GetProperty(name).ValueKind is JsonValueKind.Array
            ? [.. Root.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())]
            : throw new CatalogException($"config.json field '{name}' must be a list of integers");

    public IReadOnlyList<string> StringList(string name) =>
        !Has(name) ? []
        : Root.GetProperty(name).ValueKind is JsonValueKind.Array
            ? [.. Root.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "")]
            : throw new CatalogException($"config.json field '{name}' must be a list of strings");

    private static int PositiveOrThrow(string name, long v) =>
        v > 0 && v <= int.MaxValue
            ? (int)v
            : throw new CatalogException($"config.json field '{name}' must be a positive integer (got {v})");

    private static CatalogException Missing(string name) =>
        new($"config.json is missing required field '{name}'");
}
