using System.Reflection;

namespace LlmFleet.Operations;

/// <summary>
/// The version this build carries, read from the assembly's informational version: <c>Version</c> in
/// Directory.Build.props, then <c>+&lt;commit&gt;</c> that the SDK appends when it builds from a git checkout.
/// Every project shares that version, so reading it here serves the CLI and the deploy bundles alike.
/// </summary>
public sealed record ProductVersion(string Version, string? Commit)
{
    public static ProductVersion Current { get; } = Parse(
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");

    /// <summary>Splits <c>1.2.3+abcdef…</c> into version and commit (a build outside git has no commit).</summary>
    public static ProductVersion Parse(string informationalVersion)
    {
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        return plus < 0
            ? new ProductVersion(informationalVersion, null)
            : new ProductVersion(informationalVersion[..plus], informationalVersion[(plus + 1)..]);
    }

    /// <summary>The commit shortened as git prints it, or null.</summary>
    public string? ShortCommit => Commit is { Length: > 12 } c ? c[..12] : Commit;
}
