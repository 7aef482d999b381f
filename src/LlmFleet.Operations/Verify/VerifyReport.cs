namespace LlmFleet.Operations.Verify;

/// <summary>Where the expected digests came from.</summary>
public enum DigestSource
{
    /// <summary>No manifest and not a cache folder: structure checked, contents not hashed.</summary>
    None,

    /// <summary>A <c>sha256sum</c> file or Hugging Face JSON file listing.</summary>
    Manifest,

    /// <summary>Blob names of a Hugging Face cache snapshot.</summary>
    HuggingFaceCache,
}

/// <summary>One file of the folder as verified.</summary>
/// <param name="Format">"safetensors", "gguf", "safetensors-index", or null for other files.</param>
/// <param name="Digest">The digest computed, when the file was hashed.</param>
public sealed record VerifiedFile(string Path, long SizeBytes, string? Format, DigestAlgorithm? Algorithm, string? Digest, bool Ok);

/// <summary>The outcome of verifying a model folder: every file looked at and every problem found.</summary>
public sealed record VerifyReport(
    string Folder,
    DigestSource DigestSource,
    IReadOnlyList<VerifiedFile> Files,
    IReadOnlyList<VerifyProblem> Problems,
    long BytesHashed,
    double Seconds)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>Progress of the hashing, updated from the hashing threads and read by whoever draws a progress bar.</summary>
public sealed class VerifyProgress : FileSetProgress;
