using System.Collections.Concurrent;
using System.Diagnostics;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Download;

/// <summary>One file of a finished download: received now, or found in place and re-verified.</summary>
public sealed record DownloadedFile(string Path, long SizeBytes, string Status, DigestAlgorithm Algorithm, string Digest);

/// <summary>The outcome of <c>llmfleet download</c>: every file verified, and where vLLM finds them.</summary>
/// <param name="ModelFolder">The plain folder, or the cache snapshot folder.</param>
public sealed record DownloadReport(string RepoId, string Revision, string Commit, string ModelFolder,
    IReadOnlyList<DownloadedFile> Files, long BytesDownloaded, long BytesVerified, double Seconds);

/// <summary>
/// <c>llmfleet download</c>: resolves the revision, filters the file list, checks free disk, then fetches the files
/// (several at once, each in parallel byte ranges, all sharing one limit of <see cref="DownloadOptions.Connections"/>),
/// each verified against the hub's SHA-256 (or git blob id) before it is moved into place. Files already in place are
/// re-hashed instead of fetched, so a second run downloads nothing and ends with a verified summary.
/// </summary>
public sealed class ModelDownloader(HubClient client)
{
    public async Task<DownloadReport> RunAsync(DownloadOptions options, DownloadProgress? progress = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        progress ??= new DownloadProgress();
        var repo = await client.GetRepoAsync(options.RepoId, options.Revision, cancellationToken);
        var selected = repo.Files.Where(f => PathGlob.Selects(f.Path, options.Include, options.Exclude)).ToList();
        if (selected.Count == 0)
        {
            throw new DownloadException($"{options.RepoId}: no file matches --include {string.Join(" ", options.Include ?? [])}" +
                $" --exclude {string.Join(" ", options.Exclude ?? [])} ({repo.Files.Count} files at {repo.Commit[..Math.Min(12, repo.Commit.Length)]})");
        }
        var layout = DownloadLayout.For(options, repo);
        progress.TotalBytes = selected.Sum(f => f.SizeBytes);
        progress.TotalFiles = selected.Count;

        var present = selected.Where(f => File.Exists(layout.FinalPath(f)) && new FileInfo(layout.FinalPath(f)).Length == f.SizeBytes).ToHashSet();
        CheckFreeDisk(layout, selected.Where(f => !present.Contains(f)).ToList());

        using var connections = new SemaphoreSlim(Math.Max(1, options.Connections));
        // Files with the same content share one blob in the cache: fetch it once, link the others afterwards.
        var fetch = selected.DistinctBy(layout.FinalPath).ToList();
        var results = new ConcurrentBag<DownloadedFile>();
        long downloaded = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Connections), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(fetch.OrderByDescending(f => f.SizeBytes), parallel, async (file, ct) =>
        {
            if (present.Contains(file))
            {
                var digest = await FileHasher.HashAsync(layout.FinalPath(file), file.Digest.Algorithm, n => progress.AddBytes(n), ct);
                if (digest == file.Digest.Hex)
                {
                    layout.Adopt(file);
                    results.Add(new DownloadedFile(file.Path, file.SizeBytes, "present", file.Digest.Algorithm, digest));
                    progress.FileDone();
                    return;
                }
                progress.AddBytes(-file.SizeBytes); // damaged copy in place: fetch it again
            }
            var fileProgress = progress.Active[file.Path] = new FileProgress(file.SizeBytes);
            await new ChunkedDownload(client, repo, file, layout.PartialPath(file), options, connections, progress, fileProgress).RunAsync(ct);
            layout.Place(file, layout.PartialPath(file));
            progress.Active.TryRemove(file.Path, out _);
            Interlocked.Add(ref downloaded, file.SizeBytes);
            results.Add(new DownloadedFile(file.Path, file.SizeBytes, "downloaded", file.Digest.Algorithm, file.Digest.Hex));
            progress.FileDone();
        });
        foreach (var twin in selected.Except(fetch))
        {
            layout.Adopt(twin);
            results.Add(new DownloadedFile(twin.Path, twin.SizeBytes, "present", twin.Digest.Algorithm, twin.Digest.Hex));
            progress.AddBytes(twin.SizeBytes);
            progress.FileDone();
        }
        layout.Finish(repo);
        return new DownloadReport(repo.RepoId, repo.Revision, repo.Commit, layout.ModelFolder,
            [.. results.OrderBy(r => r.Path, StringComparer.Ordinal)], downloaded,
            results.Sum(r => r.SizeBytes), Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static void CheckFreeDisk(DownloadLayout layout, List<HubFile> missing)
    {
        var needed = missing.Sum(f => f.SizeBytes - (File.Exists(layout.PartialPath(f)) ? Math.Min(f.SizeBytes, new FileInfo(layout.PartialPath(f)).Length) : 0));
        var existing = Path.GetFullPath(layout.ModelFolder);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        var free = new DriveInfo(existing).AvailableFreeSpace;
        if (free < needed)
        {
            throw new DownloadException($"{missing.Count} files need {needed / 1e9:N1} GB but only {free / 1e9:N1} GB are free at {existing}");
        }
    }
}
