namespace LlmFleet.Operations.Deploy;

/// <summary>
/// Writes generated files so that the output folder is either complete or untouched: everything goes to a sibling
/// temporary folder first, which then replaces the output folder in one rename.
/// </summary>
public static class BundleWriter
{
    /// <exception cref="IOException">The folder exists and is not empty, or cannot be written.</exception>
    public static void Write(string outDir, IReadOnlyList<DeployFile> files)
    {
        var target = Path.GetFullPath(outDir);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"{outDir} exists and is not empty; choose a new folder or empty it");
        }
        var parent = Path.GetDirectoryName(target.TrimEnd(Path.DirectorySeparatorChar)) ?? ".";
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            foreach (var file in files)
            {
                var path = Path.GetFullPath(Path.Combine(temp, file.Path));
                if (!path.StartsWith(temp + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"generated path escapes the output folder: {file.Path}");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Content);
            }
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }
            Directory.Move(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
