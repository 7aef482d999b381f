using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Tests.Models;

public sealed class ArchitectureParserTests
{
    private const string Llama8B = """
        {"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
         "intermediate_size":14336,"vocab_size":128256,"max_position_embeddings":131072,"tie_word_embeddings":false}
        """;

    [Fact]
    public void Parse_NotJson_NamesTheProblem()
    {
        var e = Assert.Throws<CatalogException>(() => ArchitectureParser.Parse("{ not json"));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Parse_JsonArray_IsRejected()
    {
        var e = Assert.Throws<CatalogException>(() => ArchitectureParser.Parse("[1,2]"));
        Assert.Contains("JSON object", e.Message);
    }

    [Theory]
    [InlineData("hidden_size")]
    [InlineData("num_hidden_layers")]
    [InlineData("vocab_size")]
    [InlineData("model_type")]
    public void Parse_MissingRequiredField_NamesTheField(string field)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Llama8B)!.AsObject();
        json.Remove(field);
        var e = Assert.Throws<CatalogException>(() => ArchitectureParser.Parse(json.ToJsonString()));
        Assert.Contains($"'{field}'", e.Message);
    }

    [Theory]
    [InlineData("hidden_size", 0)]
    [InlineData("num_attention_heads", -4)]
    [InlineData("intermediate_size", 0)]
    public void Parse_NonPositiveSize_NamesTheField(string field, int value)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Llama8B)!.AsObject();
        json[field] = value;
        var e = Assert.Throws<CatalogException>(() => ArchitectureParser.Parse(json.ToJsonString()));
        Assert.Contains($"'{field}'", e.Message);
        Assert.Contains("positive", e.Message);
    }

    [Fact]
    public void Parse_UnknownModelType_CountsAsDenseWithWarning()
    {
        var a = ArchitectureParser.Parse(Llama8B.Replace("\"llama\"", "\"my_new_arch\""));
        Assert.Equal(AttentionKind.Gqa, a.Attention.Kind);
        Assert.False(a.IsMoe);
        Assert.Contains(a.Warnings, w => w.Contains("my_new_arch"));
        Assert.Equal(ParameterCounter.Count(ArchitectureParser.Parse(Llama8B)).Total, ParameterCounter.Count(a).Total);
    }

    [Fact]
    public void Count_Llama31_8B_MatchesTheTensorByTensorSum()
    {
        // Llama-3.1-8B's safetensors index totals 8,030,261,248 parameters (16,060,522,496 bytes of BF16).
        var p = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B));
        Assert.Equal(8_030_261_248, p.Total);
        Assert.Equal(p.Total - 128256L * 4096, p.Active); // dense: everything but the embedding lookup
        Assert.Equal(0, p.Mtp);
    }

    [Fact]
    public void Count_Active_LeavesOutTheEmbeddingLookupButKeepsTheHead()
    {
        var p = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B));
        Assert.Equal(128256L * 4096, p.Embedding);
        Assert.Equal(128256L * 4096, p.Of(TensorClass.LmHead));
        Assert.Equal(p.Total - p.Embedding, p.Active);
        // The authors' convention still starts from everything, embedding table included.
        Assert.Equal(p.Total, p.ActiveExcluding([]));
        Assert.Equal(p.Active, p.ActiveExcluding([TensorClass.Embedding]));
    }

    [Fact]
    public void Count_TiedEmbeddings_ActiveCountsTheSharedMatrixOnceAsTheHead()
    {
        var tied = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B.Replace("\"tie_word_embeddings\":false", "\"tie_word_embeddings\":true")));
        var untied = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B));
        // The head's matmul runs either way: one vocabulary-by-hidden matrix per token, tied or not.
        Assert.Equal(tied.Total, tied.Active);
        Assert.Equal(untied.Active, tied.Active);
        Assert.Equal(128256L * 4096, tied.Embedding);
    }

    [Fact]
    public void Count_TiedEmbeddings_HasNoSeparateLmHead()
    {
        var tied = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B.Replace("\"tie_word_embeddings\":false", "\"tie_word_embeddings\":true")));
        var untied = ParameterCounter.Count(ArchitectureParser.Parse(Llama8B));
        Assert.Equal(0, tied.Of(TensorClass.LmHead));
        Assert.Equal(untied.Total - 128256L * 4096, tied.Total);
    }
}
