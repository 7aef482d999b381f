namespace LlmFleet.Catalog.Models;

/// <summary>Counts a model's parameters exactly from its architecture, tensor by tensor.</summary>
public static class ParameterCounter
{
    public static ParameterBreakdown Count(ModelArchitecture a)
    {
        var main = Empty();
        long h = a.HiddenSize;

        main[TensorClass.Embedding] = (long)a.VocabSize * h;
        // Tied: the head is the embedding matrix, stored once and counted under Embedding only.
        main[TensorClass.LmHead] = a.TieWordEmbeddings ? 0 : (long)a.VocabSize * h;
        main[TensorClass.Norm] = h; // final norm

        AddLayers(main, a, a.DenseLayers, moe: false);
        AddLayers(main, a, a.MoeLayers, moe: true);
        if (a.Attention.Indexer is { } ix)
        {
            main[TensorClass.Indexer] += ix.Layers * IndexerParams(a, ix);
        }

        var mtp = Empty();
        if (a.MtpLayers > 0)
        {
            // A next-n layer is one more decoder layer (MoE where the model has MoE), its own indexer, plus the
            // projection that mixes the previous hidden state with the next token's embedding (eh_proj, 2h -> h) and
            // three norms (enorm, hnorm, shared_head.norm). Its embedding and head are shared with the main model.
            AddLayers(mtp, a, a.MtpLayers, moe: a.IsMoe);
            if (a.Attention.Indexer is { } mix)
            {
                mtp[TensorClass.Indexer] += a.MtpLayers * IndexerParams(a, mix);
            }
            mtp[TensorClass.DenseMlp] += a.MtpLayers * 2 * h * h;
            mtp[TensorClass.Norm] += a.MtpLayers * 3 * h;
        }

        var activeRouted = a.IsMoe
            ? main[TensorClass.RoutedExperts] / a.Moe!.NumExperts * a.Moe.ExpertsPerToken
            : 0;
        return new ParameterBreakdown(Trim(main), Trim(mtp), activeRouted, a.TieWordEmbeddings);
    }

    private static void AddLayers(Dictionary<TensorClass, long> into, ModelArchitecture a, int layers, bool moe)
    {
        if (layers == 0)
        {
            return;
        }
        long h = a.HiddenSize;
        into[TensorClass.Attention] += layers * AttentionParams(a);
        into[TensorClass.Norm] += layers * (2 * h + AttentionNormParams(a));
        if (moe)
        {
            var m = a.Moe!;
            into[TensorClass.RoutedExperts] += layers * (long)m.NumExperts * ExpertParams(h, m.ExpertIntermediateSize, m.GatedExperts, m.ExpertBias);
            into[TensorClass.SharedExperts] += layers * ExpertParams(h, m.SharedIntermediateSize, m.GatedExperts, m.ExpertBias);
            into[TensorClass.Router] += layers * (m.NumExperts * h + (m.RouterBias ? m.NumExperts : 0));
        }
        else
        {
            into[TensorClass.DenseMlp] += layers * ExpertParams(h, a.IntermediateSize, gated: true, bias: false);
        }
    }

    private static long ExpertParams(long h, long intermediate, bool gated, bool bias) =>
        intermediate == 0 ? 0
        : (gated ? 3 : 2) * h * intermediate + (bias ? (gated ? 2 : 1) * intermediate + h : 0);

    private static long AttentionParams(ModelArchitecture a)
    {
        long h = a.HiddenSize;
        var at = a.Attention;
        if (at.Mla is { } m)
        {
            long qHead = m.QkNopeHeadDim + m.QkRopeHeadDim;
            var q = m.QLoraRank is { } r
                ? h * r + (long)r * at.NumHeads * qHead // q_a_proj, q_b_proj
                : h * at.NumHeads * qHead;              // q_proj
            var kvA = h * (m.KvLoraRank + m.QkRopeHeadDim);                      // kv_a_proj_with_mqa
            var kvB = (long)m.KvLoraRank * at.NumHeads * (m.QkNopeHeadDim + m.VHeadDim); // kv_b_proj
            var o = (long)at.NumHeads * m.VHeadDim * h;
            return q + kvA + kvB + o;
        }
        long qDim = (long)at.NumHeads * at.HeadDim;
        long kvDim = (long)at.NumKvHeads * at.HeadDim;
        var weights = h * qDim + 2 * h * kvDim + qDim * h;
        var biases = (at.QkvBias ? qDim + 2 * kvDim : 0) + (at.OutputBias ? h : 0);
        var sinks = at.Sinks ? at.NumHeads : 0;
        return weights + biases + sinks;
    }

    /// <summary>Norms inside attention: MLA's q/kv latent norms, per-head QK-norm.</summary>
    private static long AttentionNormParams(ModelArchitecture a)
    {
        var at = a.Attention;
        if (at.Mla is { } m)
        {
            return (m.QLoraRank ?? 0) + m.KvLoraRank;
        }
        return at.QkNorm ? 2L * at.HeadDim : 0;
    }

    /// <summary>DSA lightning indexer: wq_b (q latent -> heads x dim), wk (h -> dim), k_norm (LayerNorm, weight and
    /// bias), weights_proj (h -> heads).</summary>
    private static long IndexerParams(ModelArchitecture a, IndexerSpec ix)
    {
        long h = a.HiddenSize;
        long qIn = a.Attention.Mla?.QLoraRank ?? h;
        return qIn * ix.NumHeads * ix.HeadDim + h * ix.HeadDim + 2L * ix.HeadDim + h * ix.NumHeads;
    }

    private static Dictionary<TensorClass, long> Empty() =>
        Enum.GetValues<TensorClass>().ToDictionary(c => c, _ => 0L);

    private static Dictionary<TensorClass, long> Trim(Dictionary<TensorClass, long> d) =>
        d.Where(kv => kv.Value != 0).ToDictionary();
}
