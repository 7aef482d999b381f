namespace LlmFleet.Operations.Verify;

/// <summary>What is wrong with one file of a model folder.</summary>
public enum ProblemKind
{
    /// <summary>Named by the manifest, the index or a cache snapshot, but not on disk.</summary>
    Missing,

    /// <summary>On disk, but not named by the manifest.</summary>
    Extra,

    /// <summary>Content does not match its expected hash or size.</summary>
    Corrupt,

    /// <summary>The file's own structure is broken (header, tensor table, index).</summary>
    Malformed,
}

/// <summary>One finding of <c>verify</c>: the file (relative to the model folder) and the fault, in words.</summary>
public sealed record VerifyProblem(string File, ProblemKind Kind, string Message)
{
    public override string ToString() => $"{File}: {Message}";
}
