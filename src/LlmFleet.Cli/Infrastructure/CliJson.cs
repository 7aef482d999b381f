using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Model;
using LlmFleet.Operations.Doctor;
using LlmFleet.Operations.Verify;
using LlmFleet.Planning.Cost;
using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>JSON output conventions: snake_case keys that carry their unit, indented, nulls kept, enums as
/// snake_case strings.</summary>
/// <remarks>Every document is written through <see cref="CliJsonContext"/>'s generated code, not by reflection: the
/// Native AOT release binary cannot generate serializers at run time.</remarks>
public static class CliJson
{
    /// <summary>The enums a document can hold, each written by name. A generic converter per enum, because the
    /// non-generic factory builds one at run time (CliJsonTests checks that none reachable is missing).</summary>
    private static readonly JsonConverter[] EnumConverters =
    [
        Snake<AttentionKind>(), Snake<CheckStatus>(), Snake<ComputePrecision>(), Snake<DigestAlgorithm>(),
        Snake<DigestSource>(), Snake<HardwareKind>(), Snake<InferenceEngine>(), Snake<LimitKind>(),
        Snake<BackendHealth>(), Snake<OpsTeam>(), Snake<ProblemKind>(), Snake<RentalClass>(), Snake<SupportVerdict>(),
        Snake<TensorClass>(), Snake<UsageGrouping>(),
    ];

    /// <summary>The generated metadata for every document the CLI writes, bound to these conventions.</summary>
    internal static CliJsonContext Context { get; } = new(CreateOptions());

    public static void Write<T>(CliConsole console, T value, JsonTypeInfo<T> type) =>
        console.Out.WriteLine(JsonSerializer.Serialize(value, type));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        foreach (var converter in EnumConverters)
        {
            options.Converters.Add(converter);
        }
        return options;
    }

    private static JsonStringEnumConverter<T> Snake<T>() where T : struct, Enum => new(JsonNamingPolicy.SnakeCaseLower);
}
