using System.Text.Json.Serialization;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;

namespace LlmFleet.Gateway.Access.Admin;

/// <summary>The admin API's bodies, snake_case as the CLI's <c>--json</c>; generated, not reflected, so the Native
/// AOT binary serves them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NewKeySpec))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(IReadOnlyList<KeyView>))]
[JsonSerializable(typeof(IReadOnlyList<UsageTotal>))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
