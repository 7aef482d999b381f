using System.Text.RegularExpressions;

namespace LlmFleet.Catalog.Models;

/// <summary>A model named on the command line: a catalog id, a path to a config.json, or a folder holding one.</summary>
/// <param name="Id">The catalog id, or the folder name for a config read from disk.</param>
/// <param name="Entry">The catalog entry, when the model is built in.</param>
public sealed record ModelSource(string Id, ModelArchitecture Architecture, CatalogEntry? Entry)
{
    /// <summary>For a config read from disk, what an engine loads the model from: the Hub id the config names in
    /// <c>_name_or_path</c>, or the one its Hugging Face cache folder (<c>models--org--name</c>) stands for, else the
    /// folder itself. Null for a catalog model (its entry names the repository).</summary>
    public string? LoadFrom { get; init; }

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
            var folderPath = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            var folder = Path.GetFileName(folderPath) ?? "model";
            var hubId = HubId(arch.NameOrPath, folderPath);
            return new ModelSource(hubId?.Split('/')[1] ?? folder, arch, null) { LoadFrom = hubId ?? folderPath };
        }
        if (Directory.Exists(idOrPath))
        {
            throw new CatalogException($"folder '{idOrPath}' holds no config.json");
        }
        // Neither a built-in id nor a file: Get throws the error that lists the known ids.
        var known = catalog.Get(idOrPath);
        return new ModelSource(known.Id, known.Architecture, known);
    }

    /// <summary>The Hub id a local config stands for: its <c>_name_or_path</c> when that is an <c>org/name</c> id,
    /// else the <c>models--org--name</c> folder of a Hugging Face cache it sits in (<c>…/snapshots/&lt;rev&gt;/</c>).</summary>
    private static string? HubId(string? nameOrPath, string folderPath)
    {
        if (nameOrPath is not null && IsHubId(nameOrPath))
        {
            return nameOrPath;
        }
        var cached = folderPath.Split(Path.DirectorySeparatorChar).LastOrDefault(p => p.StartsWith("models--", StringComparison.Ordinal));
        var parts = cached?["models--".Length..].Split("--", 2);
        return parts is [var org, var repo] ? $"{org}/{repo}" : null;
    }

    private static bool IsHubId(string name) =>
        Regex.IsMatch(name, @"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$");

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
