using System.Text.Json;
using Json.Schema;
using k8s;

namespace LlmFleet.Operations.Tests.Deploy;

/// <summary>
/// Validates objects against the Kubernetes v1.34.0 JSON schemas vendored under <c>testassets/kubernetes/</c>
/// (strict: unknown fields are errors). Objects are read back from the generated YAML through the client's typed
/// models first, so what is validated is what <c>kubectl apply</c> would send.
/// </summary>
internal static class KubernetesSchemas
{
    public const string Version = "v1.34.0";

    private static readonly Dictionary<string, JsonSchema> Cache = new(StringComparer.Ordinal);

    public static void AssertValid(string schemaName, object value)
    {
        using var doc = JsonDocument.Parse(KubernetesJson.Serialize(value));
        var result = Schema(schemaName).Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .ToList();
        Assert.True(result.IsValid, $"{schemaName} ({Version}) rejects the object:\n" + string.Join("\n", errors.Take(20)));
    }

    private static JsonSchema Schema(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var schema))
            {
                schema = JsonSchema.FromText(File.ReadAllText(TestPaths.Asset("kubernetes", $"schemas-{Version}", name + ".json")));
                Cache[name] = schema;
            }
            return schema;
        }
    }
}
