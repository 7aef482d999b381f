using System.Text.Json.Serialization;
using LlmFleet.Planning.Memory;
using LlmFleet.Planning.Performance;

namespace LlmFleet.Planning.Data;

/// <summary>The typed records of the embedded data files, read from snake_case keys by generated code (the Native AOT
/// binary has no run-time serializer generation).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PublishedBenchmark))]
[JsonSerializable(typeof(StartupKvLog))]
internal sealed partial class PlanningDataJsonContext : JsonSerializerContext;
