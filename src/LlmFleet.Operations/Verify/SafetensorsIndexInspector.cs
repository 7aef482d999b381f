using System.Text.Json;

namespace LlmFleet.Operations.Verify;

/// <summary>
/// Checks a sharded checkpoint's <c>model.safetensors.index.json</c> (the layout transformers writes and vLLM reads:
/// <c>{"metadata": {"total_size": N}, "weight_map": {tensor: shard}}</c>) against the shards' own headers: every
/// shard it names exists, every tensor is listed once and lives in the shard it is mapped to, and
/// <c>total_size</c>, when present, equals the tensors' bytes.
/// </summary>
internal static class SafetensorsIndexInspector
{
    /// <param name="folder">The model folder.</param>
    /// <param name="indexPath">The index file, relative to <paramref name="folder"/>.</param>
    /// <param name="inspectShard">The header inspection of a shard (relative path), or null where it is not on disk.</param>
    public static IReadOnlyList<VerifyProblem> Check(string folder, string indexPath, Func<string, SafetensorsInspection?> inspectShard)
    {
        var problems = new List<VerifyProblem>();
        void Fault(string message) => problems.Add(new VerifyProblem(indexPath, ProblemKind.Malformed, message));

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, indexPath)));
        }
        catch (JsonException e)
        {
            Fault($"not valid JSON ({e.Message})");
            return problems;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            {
                Fault("has no \"weight_map\" object");
                return problems;
            }
            var indexDir = Path.GetDirectoryName(indexPath) ?? "";
            var mapped = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in weightMap.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    Fault($"maps tensor '{entry.Name}' to {entry.Value.GetRawText()}, not a file name");
                }
                else if (!mapped.TryAdd(entry.Name, Path.Combine(indexDir, entry.Value.GetString()!)))
                {
                    Fault($"lists tensor '{entry.Name}' more than once");
                }
            }

            // Where each tensor actually lives, per the headers of the shards the index names.
            var shards = new Dictionary<string, SafetensorsInspection>(StringComparer.Ordinal);
            foreach (var shard in mapped.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var inspection = inspectShard(shard);
                if (inspection is null)
                {
                    problems.Add(new VerifyProblem(shard, ProblemKind.Missing, $"named by {indexPath} but not on disk"));
                }
                else
                {
                    shards[shard] = inspection;
                }
            }
            var actual = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            long tensorBytes = 0;
            foreach (var (shard, inspection) in shards)
            {
                foreach (var t in inspection.Tensors)
                {
                    if (!actual.TryGetValue(t.Name, out var holders))
                    {
                        actual[t.Name] = holders = [];
                        tensorBytes += t.Bytes;
                    }
                    holders.Add(shard);
                }
            }

            foreach (var (tensor, holders) in actual)
            {
                if (holders.Count > 1)
                {
                    Fault($"tensor '{tensor}' is stored in {holders.Count} shards ({string.Join(", ", holders)}); each tensor belongs in exactly one");
                }
                if (!mapped.ContainsKey(tensor))
                {
                    Fault($"does not list tensor '{tensor}', which {holders[0]} holds");
                }
            }
            foreach (var (tensor, shard) in mapped)
            {
                if (shards.TryGetValue(shard, out var inspection) && inspection.Faults.Count == 0 && !actual.TryGetValue(tensor, out _))
                {
                    Fault($"maps tensor '{tensor}' to {shard}, which does not hold it");
                }
                else if (actual.TryGetValue(tensor, out var holders) && !holders.Contains(shard) && shards.ContainsKey(shard))
                {
                    Fault($"maps tensor '{tensor}' to {shard}, but it is in {string.Join(", ", holders)}");
                }
            }

            if (document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("total_size", out var totalSize) && totalSize.TryGetInt64(out var declared)
                // Only comparable when every shard is present and readable.
                && shards.Count == mapped.Values.Distinct(StringComparer.Ordinal).Count() && shards.Values.All(s => s.Faults.Count == 0)
                && declared != tensorBytes)
            {
                Fault($"metadata.total_size is {declared} bytes but the shards' tensors add up to {tensorBytes} bytes");
            }
        }
        return problems;
    }
}
