using System.Text.Json;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>What <see cref="ResponseModel.FindValue"/> found after a <c>"model"</c> key.</summary>
internal enum ModelValue
{
    /// <summary>No <c>: "…"</c> follows: not a model member with a string value.</summary>
    None,

    /// <summary>The bytes end before the value does.</summary>
    Incomplete,

    Found,
}

/// <summary>
/// The <c>"model": "…"</c> members of a backend's answer: <see cref="Find"/> reads the first one of the first bytes (a
/// completion's object, a stream's first event, Anthropic's <c>message_start</c>) for the attempt's span;
/// <see cref="FindValue"/> locates a value, for that and for <see cref="ModelNameStream"/>, which replaces it.
/// </summary>
internal static class ResponseModel
{
    public static ReadOnlySpan<byte> Key => "\"model\""u8;

    public static string? Find(ReadOnlySpan<byte> firstBytes)
    {
        var key = firstBytes.IndexOf(Key);
        if (key < 0 || FindValue(firstBytes, key + Key.Length, int.MaxValue, out var start, out var end) != ModelValue.Found)
        {
            return null;
        }
        try
        {
            var reader = new Utf8JsonReader(firstBytes[start..end]);
            return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>After a <c>"model"</c> key ending before <paramref name="i"/>: optional spaces, a colon, optional
    /// spaces, a JSON string of at most <paramref name="maxValueBytes"/>, quotes included in
    /// [<paramref name="valueStart"/>, <paramref name="valueEnd"/>). A longer value counts as none.</summary>
    public static ModelValue FindValue(ReadOnlySpan<byte> data, int i, int maxValueBytes, out int valueStart, out int valueEnd)
    {
        valueStart = valueEnd = 0;
        i = SkipSpaces(data, i);
        if (i == data.Length)
        {
            return ModelValue.Incomplete;
        }
        if (data[i] != ':')
        {
            return ModelValue.None;
        }
        i = SkipSpaces(data, i + 1);
        if (i == data.Length)
        {
            return ModelValue.Incomplete;
        }
        if (data[i] != '"')
        {
            return ModelValue.None;
        }
        valueStart = i;
        for (var j = i + 1; j < data.Length && j - i <= maxValueBytes; j++)
        {
            if (data[j] == '\\')
            {
                j++;
            }
            else if (data[j] == '"')
            {
                valueEnd = j + 1;
                return ModelValue.Found;
            }
        }
        return data.Length - i <= maxValueBytes ? ModelValue.Incomplete : ModelValue.None;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
        return i;
    }
}
