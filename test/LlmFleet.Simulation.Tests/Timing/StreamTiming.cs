using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Timing;

/// <summary>When a stream's tokens arrived: first token, last token, how many, and the prompt's length.</summary>
internal sealed record StreamTiming(TimeSpan FirstToken, TimeSpan LastToken, int CompletionTokens, int PromptTokens)
{
    /// <summary>Mean time per output token after the first.</summary>
    public double TpotSeconds => (LastToken - FirstToken).TotalSeconds / (CompletionTokens - 1);

    public static StreamTiming From(List<SseEvent> events)
    {
        TimeSpan? first = null;
        var last = TimeSpan.Zero;
        int completion = 0, prompt = 0;
        foreach (var e in events.Where(e => !e.IsDone))
        {
            var json = e.Json;
            if (json.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                completion = usage.GetProperty("completion_tokens").GetInt32();
                prompt = usage.GetProperty("prompt_tokens").GetInt32();
                continue;
            }
            var choice = json.GetProperty("choices")[0];
            var text = choice.TryGetProperty("text", out var t) ? t : choice.GetProperty("delta").TryGetProperty("content", out var c) ? c : default;
            if (text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 })
            {
                first ??= e.At;
                last = e.At;
            }
        }
        return new StreamTiming(first ?? throw new InvalidOperationException("no token arrived"), last, completion, prompt);
    }

    /// <summary>When each choice of a streamed response (<c>n</c> &gt; 1) got its first token.</summary>
    public static IReadOnlyList<TimeSpan> FirstTokenPerChoice(List<SseEvent> events)
    {
        var first = new Dictionary<int, TimeSpan>();
        foreach (var e in events.Where(e => !e.IsDone))
        {
            foreach (var choice in e.Json.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("text", out var t) && t.GetString() is { Length: > 0 })
                {
                    first.TryAdd(choice.GetProperty("index").GetInt32(), e.At);
                }
            }
        }
        return [.. first.Values];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
