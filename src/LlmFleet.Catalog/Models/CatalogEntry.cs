namespace LlmFleet.Catalog.Models;

/// <summary>The authors' own parameter figures for a model, with where they said it.</summary>
/// <param name="ActiveExcludes">Tensor classes the authors leave out of their "active" figure (conventions differ:
/// OpenAI leaves out the token embedding, Z.ai also the output layer, DeepSeek counts both).</param>
/// <param name="TotalRoundingParams">How far the exact total may lie from a figure the authors rounded coarsely
/// ("1 trillion"); 0 when the figure is stated precisely.</param>
public sealed record PublishedFigures(
    long TotalParams,
    long ActiveParams,
    string Source,
    IReadOnlyList<TensorClass> ActiveExcludes,
    long TotalRoundingParams);

/// <summary>A built-in model: its config.json verbatim, where it came from, and the authors' published figures.</summary>
/// <param name="Id">Catalog id, e.g. <c>glm-5.2</c>.</param>
/// <param name="HfRepo">The Hugging Face repository of the original weights.</param>
/// <param name="ConfigJson">The config.json object, verbatim.</param>
public sealed record CatalogEntry(
    string Id,
    string Name,
    string HfRepo,
    string Source,
    PublishedFigures? Published,
    string? Notes,
    string ConfigJson)
{
    private ModelArchitecture? _architecture;

    public ModelArchitecture Architecture => _architecture ??= ArchitectureParser.Parse(ConfigJson);
}
