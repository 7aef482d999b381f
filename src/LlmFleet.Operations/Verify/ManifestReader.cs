using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmFleet.Operations.Verify;

/// <summary>
/// Reads the expected digests of a model's files from a manifest: <c>sha256sum</c> output
/// (<c>&lt;hex&gt;  &lt;path&gt;</c>, or <c>&lt;hex&gt; *&lt;path&gt;</c> in binary mode), or Hugging Face's file listing
/// as JSON — the tree API's array (<c>/api/models/{repo}/tree/{rev}?recursive=true</c>: <c>path</c>, <c>size</c>,
/// <c>oid</c>, <c>lfs.oid</c>) or the model API's <c>siblings</c> (<c>?blobs=true</c>: <c>rfilename</c>,
/// <c>blobId</c>, <c>lfs.sha256</c>). Paths are relative to the model folder, with '/' separators.
/// </summary>
public static partial class ManifestReader
{
    /// <exception cref="FormatException">The manifest is neither format, naming the line or entry at fault.</exception>
    public static IReadOnlyDictionary<string, ExpectedDigest> Read(string path)
    {
        var text = File.ReadAllText(path);
        var trimmed = text.TrimStart();
        return trimmed.StartsWith('{') || trimmed.StartsWith('[') ? ReadHuggingFaceJson(path, text) : ReadSha256Sum(path, text);
    }

    private static Dictionary<string, ExpectedDigest> ReadSha256Sum(string path, string text)
    {
        var digests = new Dictionary<string, ExpectedDigest>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            // sha256sum prefixes a line with '\' when the name holds a backslash or newline, and escapes those.
            var escaped = line.StartsWith('\\');
            var match = Sha256SumLine().Match(escaped ? line[1..] : line);
            if (!match.Success)
            {
                throw new FormatException($"{path}, line {i + 1}: not '<64 hex digits>  <file>' (sha256sum format): {line}");
            }
            var name = match.Groups["name"].Value;
            if (escaped)
            {
                name = name.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }
            digests[Normalize(name)] = new ExpectedDigest(DigestAlgorithm.Sha256, match.Groups["hex"].Value.ToLowerInvariant());
        }
        if (digests.Count == 0)
        {
            throw new FormatException($"{path}: no '<sha256>  <file>' lines");
        }
        return digests;
    }

    private static Dictionary<string, ExpectedDigest> ReadHuggingFaceJson(string path, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message})", e);
        }
        using var owner = document;
        var root = document.RootElement;
        var entries = root.ValueKind switch
        {
            JsonValueKind.Array => root,
            JsonValueKind.Object when root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array => siblings,
            _ => throw new FormatException($"{path}: expected Hugging Face's file list (an array of tree entries, or an object with \"siblings\")"),
        };
        var digests = new Dictionary<string, ExpectedDigest>(StringComparer.Ordinal);
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || (entry.TryGetProperty("type", out var type) && type.GetString() != "file"))
            {
                continue; // directories in a tree listing
            }
            var name = Str(entry, "path") ?? Str(entry, "rfilename")
                ?? throw new FormatException($"{path}: an entry has neither \"path\" nor \"rfilename\": {entry.GetRawText()}");
            long? size = entry.TryGetProperty("size", out var s) && s.TryGetInt64(out var sz) ? sz : null;
            ExpectedDigest? digest = null;
            if (entry.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
            {
                var sha = Str(lfs, "oid") ?? Str(lfs, "sha256");
                long? lfsSize = lfs.TryGetProperty("size", out var ls) && ls.TryGetInt64(out var lsz) ? lsz : size;
                digest = sha is null ? null : new ExpectedDigest(DigestAlgorithm.Sha256, StripPrefix(sha), lfsSize);
            }
            else if ((Str(entry, "oid") ?? Str(entry, "blobId")) is { } gitOid)
            {
                digest = new ExpectedDigest(DigestAlgorithm.GitBlobSha1, gitOid.ToLowerInvariant(), size);
            }
            if (digest is null)
            {
                throw new FormatException($"{path}: entry '{name}' carries no digest (list files with ?blobs=true or the tree API)");
            }
            digests[Normalize(name)] = digest;
        }
        return digests;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>LFS pointers write the oid as "sha256:&lt;hex&gt;"; the API gives the bare hex.</summary>
    private static string StripPrefix(string oid) => (oid.StartsWith("sha256:", StringComparison.Ordinal) ? oid[7..] : oid).ToLowerInvariant();

    internal static string Normalize(string relativePath)
    {
        var p = relativePath.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }
        return p;
    }

    [GeneratedRegex("^(?<hex>[0-9a-fA-F]{64}) [ *](?<name>.+)$")]
    private static partial Regex Sha256SumLine();
}
