namespace LlmFleet.Operations.Verify;

/// <summary>How a file's expected digest was computed.</summary>
public enum DigestAlgorithm
{
    /// <summary>SHA-256 of the content: <c>sha256sum</c>, Hugging Face's LFS oid, cache blob names of LFS files.</summary>
    Sha256,

    /// <summary>Git's blob id, SHA-1 of "blob {size}\0" + content: Hugging Face's oid (and cache blob name) for small non-LFS files.</summary>
    GitBlobSha1,
}

/// <summary>What a file should hash to (lower-case hex), and its size where the source states it.</summary>
public sealed record ExpectedDigest(DigestAlgorithm Algorithm, string Hex, long? SizeBytes = null);
