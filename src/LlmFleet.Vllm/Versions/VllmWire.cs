using System.Collections.Frozen;
using System.Text.Json;

namespace LlmFleet.Vllm.Versions;

/// <summary>
/// What one vLLM version says on the wire where versions differ: the reasoning field's name, the context-overflow
/// error, the finish reason of a named tool call, the finish reasons and the metric families it exports. The facts
/// live in <c>Data/vllm-versions.json</c>, each row citing the vLLM file it mirrors.
/// </summary>
public sealed record VllmWire
{
    /// <summary>The name a user picks: <c>0.11</c>, <c>0.16</c> or <c>latest</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What <c>GET /version</c> answers.</summary>
    public required string Version { get; init; }

    /// <summary><c>reasoning_content</c> (up to 0.11) or <c>reasoning</c> (renamed late 2025, the old name gone in 0.16).</summary>
    public required string ReasoningField { get; init; }

    /// <summary>
    /// The wording of a prompt longer than the context: <see cref="OverflowMaxContextLength"/> (0.11's serving layer,
    /// no <c>param</c>) or <see cref="OverflowInputTokens"/> (the renderer's <c>VLLMValidationError</c>,
    /// <c>param: "input_tokens"</c>).
    /// </summary>
    public required string ContextOverflow { get; init; }

    /// <summary>The finish reason of a choice that called the function a named <c>tool_choice</c> forced.</summary>
    public required string NamedToolFinishReason { get; init; }

    /// <summary>Whether a request-validation error names its parameter in <c>param</c> (vLLM's VLLMValidationError).</summary>
    public required bool ValidationErrorParam { get; init; }

    /// <summary>The values of <c>finished_reason</c> on <c>vllm:request_success_total</c> (vLLM's FinishReason enum).</summary>
    public required IReadOnlyList<string> FinishedReasons { get; init; }

    /// <summary>The metric families <c>/metrics</c> shows, as named in the exposition text.</summary>
    public required FrozenSet<string> MetricFamilies { get; init; }

    /// <summary>For each fact above (by its JSON key), the vLLM file it mirrors.</summary>
    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    public const string OverflowMaxContextLength = "max_context_length";
    public const string OverflowInputTokens = "input_tokens";

    /// <summary>The versions in the table, oldest first.</summary>
    public static IReadOnlyList<VllmWire> All { get; } = Load();

    /// <summary>The names a user may pick, for usage text and errors.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(w => w.Name)];

    public static VllmWire Latest { get; } = Get("latest");

    /// <exception cref="ArgumentException">A name that is not in the table, listing those that are.</exception>
    public static VllmWire Get(string name) =>
        All.FirstOrDefault(w => w.Name == name)
        ?? throw new ArgumentException($"--vllm-version must be one of {string.Join(", ", Names)}, got '{name}'");

    private static List<VllmWire> Load()
    {
        using var stream = typeof(VllmWire).Assembly.GetManifestResourceStream("LlmFleet.Vllm.Data.vllm-versions.json")
            ?? throw new InvalidDataException("missing embedded Data/vllm-versions.json");
        using var doc = JsonDocument.Parse(stream);
        return
        [
            .. doc.RootElement.GetProperty("versions").EnumerateArray().Select(v => new VllmWire
            {
                Name = v.GetProperty("name").GetString()!,
                Version = v.GetProperty("version").GetString()!,
                ReasoningField = v.GetProperty("reasoning_field").GetString()!,
                ContextOverflow = v.GetProperty("context_overflow").GetString()!,
                NamedToolFinishReason = v.GetProperty("named_tool_finish_reason").GetString()!,
                ValidationErrorParam = v.GetProperty("validation_error_param").GetBoolean(),
                FinishedReasons = [.. v.GetProperty("finished_reasons").EnumerateArray().Select(e => e.GetString()!)],
                MetricFamilies = v.GetProperty("metric_families").EnumerateArray().Select(e => e.GetString()!).ToFrozenSet(),
                Sources = v.GetProperty("sources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            }),
        ];
    }
}
