namespace LlmFleet.Operations.Download;

/// <summary>What <c>llmfleet download</c> fetches and where it writes.</summary>
/// <param name="RepoId">"org/name" on the hub.</param>
/// <param name="Revision">Branch, tag or commit; default <c>main</c>.</param>
/// <param name="Include">Glob patterns a file's path must match one of (fnmatch, '*' also crosses '/'); empty: all.</param>
/// <param name="Exclude">Glob patterns that drop a file.</param>
/// <param name="Dir">A plain folder to write the files into; exclusive with <paramref name="Cache"/>.</param>
/// <param name="Cache">A Hugging Face hub cache folder (what HF_HUB_CACHE names); used when <paramref name="Dir"/> is null.</param>
/// <param name="Endpoint">The hub, default https://huggingface.co (or HF_ENDPOINT).</param>
/// <param name="Token">Sent as a bearer token to <paramref name="Endpoint"/>'s host only, never to redirect targets.</param>
/// <param name="Connections">Byte ranges fetched at once per file; default 8.</param>
/// <param name="ChunkBytes">Unit a file is split into for hashing progress, resume and handing out work; default 16 MiB.
/// One ranged request asks for a run of them, as <see cref="RangeSchedule"/> hands out.</param>
public sealed record DownloadOptions(
    string RepoId,
    string Revision = "main",
    IReadOnlyList<string>? Include = null,
    IReadOnlyList<string>? Exclude = null,
    string? Dir = null,
    string? Cache = null,
    string Endpoint = "https://huggingface.co",
    string? Token = null,
    int Connections = 8,
    int ChunkBytes = 16 << 20);

/// <summary>A download that cannot complete; the message names the file and what went wrong.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : Exception(message, inner);
