using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Download;

/// <summary>One file of a hub repository at a commit, with the digest its content must have.</summary>
public sealed record HubFile(string Path, long SizeBytes, ExpectedDigest Digest)
{
    /// <summary>Its name in the cache's blobs/ folder: the LFS SHA-256, or the git blob id of a small file.</summary>
    public string BlobName => Digest.Hex;
}

/// <summary>A repository resolved at a revision: the commit and its files.</summary>
public sealed record HubRepo(string RepoId, string Revision, string Commit, IReadOnlyList<HubFile> Files);
