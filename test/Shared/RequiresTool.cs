namespace LlmFleet.Testing;

/// <summary>Skips a test, with the reason, when a Debian tool or server it needs is not installed.</summary>
internal static class RequiresTool
{
    /// <summary>The full path of <paramref name="name"/> on PATH (or an absolute path that exists), else null.</summary>
    public static string? Find(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Returns the tool's path, or skips the running test naming the package that provides it.</summary>
    public static string OrSkip(string name, string debianPackage)
    {
        var path = Find(name);
        Assert.SkipWhen(path is null, $"'{name}' is not installed (Debian package '{debianPackage}'; .ci/run installs it).");
        return path!;
    }
}
