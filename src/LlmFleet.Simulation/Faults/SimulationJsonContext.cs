using System.Text.Json.Serialization;

namespace LlmFleet.Simulation.Faults;

/// <summary>JSON of the twin's own endpoints (<c>/sim/faults</c>): snake_case, like the rest of the API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FaultsBody))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext;
