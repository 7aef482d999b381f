namespace LlmFleet.Operations.Doctor.Host;

/// <summary>
/// Reads the host's facts from files (<c>/proc/meminfo</c>, <c>/etc/os-release</c>, <c>/proc/self/limits</c>...) under a
/// root folder: "/" on a real host; tests point it at a folder of files recorded on real machines.
/// </summary>
public sealed class HostFiles(string root = "/")
{
    public string Root { get; } = root;

    /// <summary>The file's text, or null when it does not exist or cannot be read.</summary>
    public string? Read(string absolutePath)
    {
        try
        {
            return File.ReadAllText(Map(absolutePath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The path under <see cref="Root"/> for an absolute host path.</summary>
    public string Map(string absolutePath) => Root == "/" ? absolutePath : Path.Combine(Root, absolutePath.TrimStart('/'));
}
