using System.Text;

namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// One sample line of the Prometheus text format, as views into the scraped text (nothing copied):
/// <c>name{labels} value [timestamp]</c>.
/// </summary>
public readonly ref struct PrometheusSample
{
    public PrometheusSample(ReadOnlySpan<char> name, ReadOnlySpan<char> labels, double value)
    {
        Name = name;
        Labels = labels;
        Value = value;
    }

    public ReadOnlySpan<char> Name { get; }

    /// <summary>The text between the braces, still escaped; empty when the sample has no labels.</summary>
    public ReadOnlySpan<char> Labels { get; }

    public double Value { get; }

    /// <summary>True when the label is present and its (unescaped) value equals <paramref name="expected"/>.</summary>
    public bool HasLabel(ReadOnlySpan<char> key, ReadOnlySpan<char> expected) =>
        TryGetRawLabel(key, out var raw) && (raw.Contains('\\') ? Unescape(raw).AsSpan().SequenceEqual(expected) : raw.SequenceEqual(expected));

    /// <summary>The label's value, unescaped; allocates the string.</summary>
    public bool TryGetLabel(ReadOnlySpan<char> key, out string value)
    {
        if (TryGetRawLabel(key, out var raw))
        {
            value = raw.Contains('\\') ? Unescape(raw) : raw.ToString();
            return true;
        }
        value = "";
        return false;
    }

    /// <summary>The label's value as written (escapes kept), without allocating.</summary>
    public bool TryGetRawLabel(ReadOnlySpan<char> key, out ReadOnlySpan<char> raw)
    {
        var labels = Labels;
        var pos = 0;
        while (PrometheusText.TryReadLabel(labels, ref pos, out var k, out var v))
        {
            if (labels[k].SequenceEqual(key))
            {
                raw = labels[v];
                return true;
            }
        }
        raw = default;
        return false;
    }

    internal static string Unescape(ReadOnlySpan<char> raw)
    {
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length)
            {
                i++;
                sb.Append(raw[i] == 'n' ? '\n' : raw[i]);
            }
            else
            {
                sb.Append(raw[i]);
            }
        }
        return sb.ToString();
    }
}
