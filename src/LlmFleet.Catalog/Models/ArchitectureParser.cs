using System.Text.Json;

namespace LlmFleet.Catalog.Models;

/// <summary>
/// Parses a Hugging Face <c>config.json</c> into a <see cref="ModelArchitecture"/>, following each family's own key
/// names (transformers' and vLLM's model files are the reference for what each key means).
/// </summary>
public static class ArchitectureParser
{
    /// <summary>The <c>model_type</c>s parsed with their family's own rules; others are read as dense decoders.</summary>
    public static IReadOnlyList<string> KnownModelTypes { get; } =
    [
        "glm_moe_dsa", "glm4_moe", "deepseek_v3", "kimi_k2", "deepseek_v32", "deepseek_v2",
        "qwen3_moe", "qwen3", "qwen2", "llama", "mistral", "mixtral", "gpt_oss",
    ];

    /// <summary>Parses config.json text.</summary>
    /// <exception cref="CatalogException">Not JSON, not an object, a required field missing or not positive.</exception>
    public static ModelArchitecture Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CatalogException($"config.json is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            return Parse(doc.RootElement);
        }
    }

    /// <summary>Parses an already-read config object.</summary>
    public static ModelArchitecture Parse(JsonElement root)
    {
        if (root.ValueKind is not JsonValueKind.Object)
        {
            throw new CatalogException("config.json must be a JSON object");
        }
        var f = new ConfigFields(root);
        var modelType = f.String("model_type") ?? throw new CatalogException("config.json is missing required field 'model_type'");
        var checkpoint = root.TryGetProperty("quantization_config", out var q) && q.ValueKind == JsonValueKind.Object
            && q.TryGetProperty("quant_method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (modelType switch
        {
            "glm_moe_dsa" or "deepseek_v3" or "kimi_k2" or "deepseek_v32" or "deepseek_v2" => ParseDeepSeekFamily(f, modelType),
            "glm4_moe" => ParseGlm4Moe(f),
            "qwen3_moe" => ParseQwen3Moe(f),
            "mixtral" => ParseMixtral(f),
            "gpt_oss" => ParseGptOss(f),
            "qwen3" => ParseDense(f, modelType, qkvBiasDefault: false, qkNorm: true, []),
            "qwen2" => ParseDense(f, modelType, qkvBiasDefault: true, qkNorm: false, []),
            "llama" or "mistral" => ParseDense(f, modelType, qkvBiasDefault: false, qkNorm: false, []),
            _ => ParseDense(f, modelType, qkvBiasDefault: false, qkNorm: false,
                [$"model_type '{modelType}' is not one the catalog knows; counted as a dense decoder from its standard fields"]),
        }) with
        {
            CheckpointQuantization = checkpoint,
            // Informational (where the config was saved from): ignored, not refused, when it is not a string.
            NameOrPath = root.TryGetProperty("_name_or_path", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
        };
    }

    private static ModelArchitecture ParseDense(ConfigFields f, string modelType, bool qkvBiasDefault, bool qkNorm, IReadOnlyList<string> warnings)
    {
        var common = Common(f);
        var bias = f.Bool("attention_bias", qkvBiasDefault);
        var attention = Gqa(f, common.Hidden, qkvBias: bias, outputBias: modelType is "qwen2" ? false : bias, qkNorm, sinks: false);
        return new ModelArchitecture(modelType, common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            f.Size("intermediate_size"), attention, Moe: null, DenseLayers: common.Layers, MtpLayers: 0, warnings);
    }

    /// <summary>DeepSeek-V2/V3/R1, Kimi K2, DeepSeek-V3.2 and GLM-5.x: MLA attention, DeepSeekMoE layers after
    /// <c>first_k_dense_replace</c> dense ones, optional DSA indexer and next-n (MTP) layers.</summary>
    private static ModelArchitecture ParseDeepSeekFamily(ConfigFields f, string modelType)
    {
        var common = Common(f);
        var heads = f.Size("num_attention_heads");
        var mla = new MlaSpec(
            f.OptionalSize("q_lora_rank"),
            f.Size("kv_lora_rank"),
            f.Size("qk_nope_head_dim"),
            f.Size("qk_rope_head_dim"),
            f.Size("v_head_dim"));
        IndexerSpec? indexer = null;
        if (f.Has("index_n_heads"))
        {
            indexer = new IndexerSpec(
                f.Size("index_n_heads"), f.Size("index_head_dim"), f.Size("index_topk"),
                IndexerLayers(f, common.Layers));
        }
        var attention = new AttentionSpec(heads, heads, mla.QkNopeHeadDim + mla.QkRopeHeadDim,
            QkvBias: false, OutputBias: false, QkNorm: false, Sinks: false, mla, indexer, SlidingWindowLayers: 0, SlidingWindow: 0);

        var (moe, dense) = DeepSeekMoe(f, common.Layers);
        return new ModelArchitecture(modelType, common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            f.Size("intermediate_size"), attention, moe, dense, f.Count("num_nextn_predict_layers", 0), []);
    }

    /// <summary>GLM-4.5/4.6/4.7 (and -Air): GQA with biases and optional QK-norm, DeepSeekMoE-style layers.</summary>
    private static ModelArchitecture ParseGlm4Moe(ConfigFields f)
    {
        var common = Common(f);
        var bias = f.Bool("attention_bias", false);
        var attention = Gqa(f, common.Hidden, qkvBias: bias, outputBias: false, qkNorm: f.Bool("use_qk_norm", false), sinks: false);
        var (moe, dense) = DeepSeekMoe(f, common.Layers);
        return new ModelArchitecture("glm4_moe", common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            f.Size("intermediate_size"), attention, moe, dense, f.Count("num_nextn_predict_layers", 0), []);
    }

    private static ModelArchitecture ParseQwen3Moe(ConfigFields f)
    {
        var common = Common(f);
        var attention = Gqa(f, common.Hidden, qkvBias: f.Bool("attention_bias", false), outputBias: false, qkNorm: true, sinks: false);
        var experts = f.Size("num_experts");
        var step = f.Count("decoder_sparse_step", 1);
        var mlpOnly = f.IntList("mlp_only_layers").ToHashSet();
        var moeLayers = Enumerable.Range(0, common.Layers).Count(i => !mlpOnly.Contains(i) && step > 0 && (i + 1) % step == 0);
        var moe = new MoeSpec(experts, f.Size("num_experts_per_tok"), f.Size("moe_intermediate_size"),
            SharedIntermediateSize: f.Has("shared_expert_intermediate_size") ? f.Count("shared_expert_intermediate_size", 0) : 0,
            GatedExperts: true, ExpertBias: false, RouterBias: false);
        return new ModelArchitecture("qwen3_moe", common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            f.Size("intermediate_size"), attention, moe, common.Layers - moeLayers, 0, []);
    }

    private static ModelArchitecture ParseMixtral(ConfigFields f)
    {
        var common = Common(f);
        var attention = Gqa(f, common.Hidden, qkvBias: false, outputBias: false, qkNorm: false, sinks: false);
        var intermediate = f.Size("intermediate_size");
        var moe = new MoeSpec(f.Size("num_local_experts"), f.Size("num_experts_per_tok"), intermediate, 0,
            GatedExperts: true, ExpertBias: false, RouterBias: false);
        return new ModelArchitecture("mixtral", common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            intermediate, attention, moe, DenseLayers: 0, MtpLayers: 0, []);
    }

    /// <summary>gpt-oss: GQA with biases and attention sinks, alternating sliding/full layers, MoE with biased
    /// SwiGLU experts and a biased router in every layer.</summary>
    private static ModelArchitecture ParseGptOss(ConfigFields f)
    {
        var common = Common(f);
        var layerTypes = f.StringList("layer_types");
        var sliding = layerTypes.Count(t => t == "sliding_attention");
        var attention = Gqa(f, common.Hidden, qkvBias: f.Bool("attention_bias", true), outputBias: f.Bool("attention_bias", true), qkNorm: false, sinks: true)
            with { SlidingWindowLayers = sliding, SlidingWindow = sliding > 0 ? f.Size("sliding_window") : 0 };
        var intermediate = f.Size("intermediate_size");
        var moe = new MoeSpec(f.Size("num_local_experts"), f.Size("num_experts_per_tok", "experts_per_token"), intermediate, 0,
            GatedExperts: true, ExpertBias: true, RouterBias: true);
        return new ModelArchitecture("gpt_oss", common.Hidden, common.Layers, common.Vocab, common.Tied, common.MaxContext,
            intermediate, attention, moe, DenseLayers: 0, MtpLayers: 0, []);
    }

    private static (MoeSpec? Moe, int DenseLayers) DeepSeekMoe(ConfigFields f, int layers)
    {
        if (!f.Has("n_routed_experts"))
        {
            return (null, layers);
        }
        var firstDense = f.Count("first_k_dense_replace", 0);
        var freq = f.Count("moe_layer_freq", 1);
        var moeLayers = Enumerable.Range(0, layers).Count(i => i >= firstDense && freq > 0 && i % freq == 0);
        var expertSize = f.Size("moe_intermediate_size");
        // DeepSeek-V3 and GLM route with a score-correction bias per expert ("noaux_tc"); V2 has none.
        var routerBias = f.String("topk_method") is "noaux_tc" || f.String("model_type") is "glm4_moe" or "glm_moe_dsa";
        var moe = new MoeSpec(f.Size("n_routed_experts"), f.Size("num_experts_per_tok"), expertSize,
            SharedIntermediateSize: f.Count("n_shared_experts", 0) * expertSize,
            GatedExperts: true, ExpertBias: false, RouterBias: routerBias);
        return (moe, layers - moeLayers);
    }

    /// <summary>
    /// DSA indexers are per layer unless the config says layers share them: GLM-5.2's IndexShare lists each layer's
    /// indexer as <c>"full"</c> (its own weights) or <c>"shared"</c> (reuses the previous full layer's top-k).
    /// </summary>
    private static int IndexerLayers(ConfigFields f, int layers)
    {
        var types = f.StringList("indexer_types");
        if (types.Count == 0)
        {
            return layers;
        }
        return types.Count != layers
            ? throw new CatalogException($"config.json field 'indexer_types' has {types.Count} entries but num_hidden_layers is {layers}")
            : types.Count(t => t == "full");
    }

    private static AttentionSpec Gqa(ConfigFields f, int hidden, bool qkvBias, bool outputBias, bool qkNorm, bool sinks)
    {
        var heads = f.Size("num_attention_heads");
        var kvHeads = f.OptionalSize("num_key_value_heads") ?? heads;
        if (heads % kvHeads != 0)
        {
            throw new CatalogException($"config.json: num_attention_heads ({heads}) is not a multiple of num_key_value_heads ({kvHeads})");
        }
        var headDim = f.OptionalSize("head_dim") ?? (hidden % heads == 0
            ? hidden / heads
            : throw new CatalogException($"config.json: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads}) and no head_dim is given"));
        return new AttentionSpec(heads, kvHeads, headDim, qkvBias, outputBias, qkNorm, sinks, Mla: null, Indexer: null, 0, 0);
    }

    private static (int Hidden, int Layers, int Vocab, bool Tied, long MaxContext) Common(ConfigFields f) =>
        (f.Size("hidden_size"),
         f.Size("num_hidden_layers"),
         f.Size("vocab_size"),
         f.Bool("tie_word_embeddings", false),
         f.OptionalSize("max_position_embeddings") ?? throw new CatalogException("config.json is missing required field 'max_position_embeddings'"));
}
