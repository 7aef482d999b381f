using System.Text.Json;
using LlmFleet.Simulation.Engine;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// <c>POST /v1/embeddings</c> of a pooling twin (<c>--runner pooling</c>): each input is prefilled by the engine (so
/// it costs what the planner says a prefill costs) and answered with a unit vector of the model's hidden size,
/// derived from the input's tokens: equal inputs give equal vectors.
/// </summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(HttpContext http, TwinContext twin, EmbeddingRequest request)
    {
        var inputs = Inputs(twin, request.Input);
        if (inputs is null)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400,
                "input must be a non-empty string, a list of strings, a list of token ids or a list of such lists", "input"));
            return;
        }
        foreach (var ids in inputs)
        {
            if (ids.Count > twin.Profile.MaxModelLen)
            {
                await ApiIo.WriteErrorAsync(http, VllmErrors.PromptTooLong(twin.Profile.MaxModelLen, ids.Count));
                return;
            }
        }
        var signal = new AsyncSignal();
        var requests = inputs.Select(ids => new EngineRequest(ids.Count, PromptTokenizer.BlockHashes(ids), 0,
            EngineFinishReason.Stop, prefillOnly: true, signal)).ToArray();
        using (http.RequestAborted.Register(() => Array.ForEach(requests, twin.Engine.Abort)))
        {
            Array.ForEach(requests, twin.Engine.Submit);
            while (!Array.TrueForAll(requests, r => r.IsFinished))
            {
                await signal.WaitAsync();
            }
        }
        if (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        var dimensions = Math.Clamp(request.Dimensions ?? twin.Profile.HiddenSize, 1, twin.Profile.HiddenSize);
        var base64 = request.EncodingFormat == "base64";
        var response = new EmbeddingResponse
        {
            Id = ApiIo.ResponseId(http, "embd"),
            Created = twin.NowUnixSeconds,
            Model = twin.Profile.ServedModelName,
            Usage = Usage.Of(inputs.Sum(i => i.Count), 0),
        };
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Vector(inputs[i], dimensions);
            response.Data.Add(new EmbeddingData
            {
                Index = i,
                Embedding = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : vector,
            });
        }
        await ApiIo.WriteJsonAsync(http, response, VllmJson.EmbeddingResponse);
    }

    /// <summary>A deterministic unit vector seeded by the input's token ids.</summary>
    internal static float[] Vector(IReadOnlyList<int> ids, int dimensions)
    {
        var seed = 0xE1BEDUL;
        foreach (var id in ids)
        {
            seed = SplitMix64.Mix(seed, (ulong)(uint)id);
        }
        var rng = new SplitMix64(seed);
        var v = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }
        return v;
    }

    private static List<IReadOnlyList<int>>? Inputs(TwinContext twin, JsonElement? input)
    {
        switch (input)
        {
            case { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text:
                return [twin.Tokenizer.Encode(text)];
            case { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0:
                if (a[0].ValueKind == JsonValueKind.Number)
                {
                    return TokenIds(a) is { } one ? [one] : null;
                }
                var all = new List<IReadOnlyList<int>>();
                foreach (var item in a.EnumerateArray())
                {
                    var ids = item.ValueKind switch
                    {
                        JsonValueKind.String when item.GetString() is { Length: > 0 } text => twin.Tokenizer.Encode(text),
                        JsonValueKind.Array => TokenIds(item),
                        _ => null,
                    };
                    if (ids is null || ids.Count == 0)
                    {
                        return null;
                    }
                    all.Add(ids);
                }
                return all;
            default:
                return null;
        }
    }

    private static List<int>? TokenIds(JsonElement array)
    {
        var ids = new List<int>();
        foreach (var e in array.EnumerateArray())
        {
            if (!e.TryGetInt32(out var id))
            {
                return null;
            }
            ids.Add(id);
        }
        return ids.Count > 0 ? ids : null;
    }
}
