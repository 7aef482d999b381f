using System.Globalization;

namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// A parser for the Prometheus text exposition format (version 0.0.4), as vLLM serves it on <c>/metrics</c>. The
/// enumerator walks the text without allocating, so a scraper that polls many backends stays cheap; comment lines
/// (<c># HELP</c>, <c># TYPE</c>) are skipped.
/// </summary>
public static class PrometheusText
{
    /// <summary>Every sample of <paramref name="text"/>, in order.</summary>
    public static SampleEnumerator EnumerateSamples(ReadOnlySpan<char> text) => new(text);

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels include every pair in
    /// <paramref name="labelFilter"/> (all engines of a data-parallel vLLM, for example); null when there is none.
    /// </summary>
    public static double? Sum(ReadOnlySpan<char> text, string name, params ReadOnlySpan<(string Key, string Value)> labelFilter)
    {
        double? sum = null;
        foreach (var sample in EnumerateSamples(text))
        {
            if (!sample.Name.SequenceEqual(name))
            {
                continue;
            }
            var matches = true;
            foreach (var (key, value) in labelFilter)
            {
                matches &= sample.HasLabel(key, value);
            }
            if (matches)
            {
                sum = (sum ?? 0) + sample.Value;
            }
        }
        return sum;
    }

    /// <summary>The metric types declared by <c># TYPE</c> lines, by family name.</summary>
    public static Dictionary<string, string> ReadTypes(ReadOnlySpan<char> text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].TrimEnd('\r');
            if (!line.StartsWith("# TYPE "))
            {
                continue;
            }
            line = line[7..].Trim();
            var space = line.IndexOf(' ');
            if (space > 0)
            {
                types[line[..space].ToString()] = line[(space + 1)..].Trim().ToString();
            }
        }
        return types;
    }

    /// <summary>Parses one sample line; false for comments, blank lines and malformed lines.</summary>
    public static bool TryParseSample(ReadOnlySpan<char> line, out PrometheusSample sample)
    {
        sample = default;
        line = line.Trim();
        if (line.IsEmpty || line[0] == '#')
        {
            return false;
        }
        var nameEnd = line.IndexOfAny('{', ' ', '\t');
        if (nameEnd <= 0)
        {
            return false;
        }
        var name = line[..nameEnd];
        var labels = ReadOnlySpan<char>.Empty;
        var rest = line[nameEnd..];
        if (rest[0] == '{')
        {
            var close = FindLabelsEnd(rest);
            if (close < 0)
            {
                return false;
            }
            labels = rest[1..close];
            rest = rest[(close + 1)..];
        }
        rest = rest.TrimStart();
        var valueEnd = rest.IndexOfAny(' ', '\t');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var value))
        {
            return false;
        }
        sample = new PrometheusSample(name, labels, value);
        return true;
    }

    /// <summary>Reads the <c>key="value"</c> pair at <paramref name="pos"/> of a label list and moves past it.</summary>
    internal static bool TryReadLabel(ReadOnlySpan<char> labels, ref int pos, out Range key, out Range value)
    {
        key = value = default;
        while (pos < labels.Length && labels[pos] is ' ' or '\t' or ',')
        {
            pos++;
        }
        var eq = labels[pos..].IndexOf('=');
        if (eq <= 0)
        {
            return false;
        }
        eq += pos;
        if (eq + 1 >= labels.Length || labels[eq + 1] != '"')
        {
            return false;
        }
        var keyStart = pos;
        var keyEnd = eq;
        while (keyEnd > keyStart && labels[keyEnd - 1] == ' ')
        {
            keyEnd--;
        }
        var start = eq + 2;
        var i = start;
        while (i < labels.Length && labels[i] != '"')
        {
            i += labels[i] == '\\' ? 2 : 1;
        }
        if (i >= labels.Length)
        {
            return false;
        }
        key = keyStart..keyEnd;
        value = start..i;
        pos = i + 1;
        return true;
    }

    private static int FindLabelsEnd(ReadOnlySpan<char> s)
    {
        var inQuotes = false;
        for (var i = 1; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '\\' when inQuotes:
                    i++;
                    break;
                case '"':
                    inQuotes = !inQuotes;
                    break;
                case '}' when !inQuotes:
                    return i;
            }
        }
        return -1;
    }

    private static bool TryParseValue(ReadOnlySpan<char> s, out double value)
    {
        switch (s)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>Walks the sample lines of an exposition text.</summary>
    public ref struct SampleEnumerator
    {
        private ReadOnlySpan<char> _rest;
        private PrometheusSample _current;

        internal SampleEnumerator(ReadOnlySpan<char> text) => _rest = text;

        public readonly PrometheusSample Current => _current;

        public readonly SampleEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var newline = _rest.IndexOf('\n');
                var line = newline < 0 ? _rest : _rest[..newline];
                _rest = newline < 0 ? [] : _rest[(newline + 1)..];
                if (TryParseSample(line, out _current))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
