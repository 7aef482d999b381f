using System.Text.RegularExpressions;

namespace LlmFleet.Operations.Verify;

/// <summary>
/// The Hugging Face hub cache layout (huggingface_hub, file_download.py): <c>models--org--name/blobs/&lt;digest&gt;</c>
/// holds each file once, named by its SHA-256 (LFS files) or git blob SHA-1 (small files);
/// <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> are links to those blobs; <c>refs/&lt;revision&gt;</c> holds a commit.
/// Since blobs are named by their digest, a snapshot verifies without any manifest.
/// </summary>
public static partial class HuggingFaceCache
{
    /// <summary>The snapshot folder to verify when <paramref name="folder"/> is a cached repository or one of its
    /// snapshots; null for any other folder.</summary>
    /// <exception cref="FormatException">A repository with several snapshots and no <c>refs/main</c> to choose one.</exception>
    public static string? FindSnapshot(string folder)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is not null && Path.GetFileName(parent) == "snapshots" && Directory.Exists(Path.Combine(Path.GetDirectoryName(parent)!, "blobs")))
        {
            return full;
        }
        var snapshots = Path.Combine(full, "snapshots");
        if (!Directory.Exists(snapshots) || !Directory.Exists(Path.Combine(full, "blobs")))
        {
            return null;
        }
        var mainRef = Path.Combine(full, "refs", "main");
        if (File.Exists(mainRef) && Path.Combine(snapshots, File.ReadAllText(mainRef).Trim()) is var pinned && Directory.Exists(pinned))
        {
            return pinned;
        }
        var all = Directory.GetDirectories(snapshots);
        return all.Length switch
        {
            1 => all[0],
            0 => throw new FormatException($"{folder}: a Hugging Face cache folder with no snapshots (nothing downloaded yet)"),
            _ => throw new FormatException($"{folder}: {all.Length} snapshots and no refs/main; name one: {string.Join(", ", all.Select(Path.GetFileName))}"),
        };
    }

    /// <summary>What each file of a snapshot should hash to, read from the names of the blobs its links point to.</summary>
    /// <param name="dangling">Files whose link points to a blob that is not there (an interrupted download).</param>
    public static IReadOnlyDictionary<string, ExpectedDigest> ExpectedDigests(string snapshot, out IReadOnlyList<string> dangling)
    {
        var digests = new Dictionary<string, ExpectedDigest>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var path in Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not { } target)
            {
                continue; // a plain file: nothing states what it should hash to
            }
            var relative = Path.GetRelativePath(snapshot, path).Replace(Path.DirectorySeparatorChar, '/');
            var blob = Path.GetFileName(target);
            if (Sha256Hex().IsMatch(blob))
            {
                digests[relative] = new ExpectedDigest(DigestAlgorithm.Sha256, blob);
            }
            else if (Sha1Hex().IsMatch(blob))
            {
                digests[relative] = new ExpectedDigest(DigestAlgorithm.GitBlobSha1, blob);
            }
            if (ModelFolderVerifier.SizeIfPresent(path) is null)
            {
                missing.Add(relative);
            }
        }
        dangling = missing;
        return digests;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Sha1Hex();
}
