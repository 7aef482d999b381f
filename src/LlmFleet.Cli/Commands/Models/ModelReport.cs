using LlmFleet.Catalog.Models;

namespace LlmFleet.Cli.Commands.Models;

/// <summary>The JSON shape of <c>models show --json</c>.</summary>
internal sealed record ModelReport(
    string Id,
    string ModelType,
    ParamsReport Params,
    int Layers,
    string Attention,
    long MaxContext,
    PublishedReport? Published,
    IReadOnlyList<string> Warnings)
{
    public static ModelReport From(ModelSource source)
    {
        var a = source.Architecture;
        var p = ParameterCounter.Count(a);
        return new ModelReport(
            source.Id,
            a.ModelType,
            new ParamsReport(p.Total, p.Active, p.Mtp, p.Embedding,
                p.ByClass.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToName(), kv => kv.Value),
                p.MtpByClass.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToName(), kv => kv.Value)),
            a.NumLayers,
            a.Attention.KindName,
            a.MaxContext,
            source.Entry?.Published is { } pub
                ? new PublishedReport(pub.TotalParams, pub.ActiveParams, [.. pub.ActiveExcludes.Select(c => c.ToName())],
                    p.ActiveExcluding(pub.ActiveExcludes), pub.Source)
                : null,
            a.Warnings);
    }
}

/// <param name="Active">What one token is multiplied by: the token-embedding lookup is left out, the LM head kept
/// (<see cref="ParameterBreakdown.Active"/>).</param>
internal sealed record ParamsReport(long Total, long Active, long Mtp, long Embedding,
    IReadOnlyDictionary<string, long> ByClass, IReadOnlyDictionary<string, long> MtpByClass);

/// <param name="ActiveExcludes">Tensor classes the authors leave out of "active".</param>
/// <param name="CountedActiveSameWay">Our exact active count under the authors' convention.</param>
internal sealed record PublishedReport(long Total, long Active, IReadOnlyList<string> ActiveExcludes, long CountedActiveSameWay, string Source);
