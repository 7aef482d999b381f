namespace LlmFleet.Catalog.Models;

/// <summary>A model named on the command line: a catalog id, a path to a config.json, or a folder holding one.</summary>
/// <param name="Id">The catalog id, or the folder name for a config read from disk.</param>
/// <param name="Entry">The catalog entry, when the model is built in.</param>
public sealed record ModelSource(string Id, ModelArchitecture Architecture, CatalogEntry? Entry)
{
    /// <exception cref="CatalogException">Unknown id, unreadable file, or a config the parser rejects.</exception>
    public static ModelSource Resolve(string idOrPath, ModelCatalog? catalog = null)
    {
        catalog ??= ModelCatalog.Default;
        if (catalog.TryGet(idOrPath, out var entry))
        {
            return new ModelSource(entry.Id, entry.Architecture, entry);
        }
        var path = Directory.Exists(idOrPath) ? Path.Combine(idOrPath, "config.json") : idOrPath;
        if (File.Exists(path))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException e)
            {
                throw new CatalogException($"cannot read {path}: {e.Message}", e);
            }
            var arch = WithFile(path, () => ArchitectureParser.Parse(text));
            var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "model";
            return new ModelSource(folder, arch, null);
        }
        if (Directory.Exists(idOrPath))
        {
            throw new CatalogException($"folder '{idOrPath}' holds no config.json");
        }
        // Neither a built-in id nor a file: Get throws the error that lists the known ids.
        var known = catalog.Get(idOrPath);
        return new ModelSource(known.Id, known.Architecture, known);
    }

    private static T WithFile<T>(string path, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (CatalogException e)
        {
            throw new CatalogException($"{path}: {e.Message}", e);
        }
    }
}
