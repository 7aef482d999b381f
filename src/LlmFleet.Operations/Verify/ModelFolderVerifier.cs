using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlmFleet.Operations.Verify;

/// <summary>Options of <see cref="ModelFolderVerifier"/>.</summary>
/// <param name="ManifestPath">A <c>sha256sum</c> file or Hugging Face JSON listing; default none (a cache snapshot needs none).</param>
/// <param name="Parallelism">Files hashed at once; default the processor count (hashing is CPU-bound on fast disks).</param>
public sealed record VerifyOptions(string? ManifestPath = null, int? Parallelism = null);

/// <summary>
/// <c>llmfleet verify</c>: checks the structure of every safetensors file, sharded index and GGUF file in a model
/// folder, then hashes every file that has an expected digest (from a manifest, or from a Hugging Face cache's blob
/// names) in parallel, largest first, and lists missing, extra and corrupt files.
/// </summary>
public static class ModelFolderVerifier
{
    public static async Task<VerifyReport> VerifyAsync(string folder, VerifyOptions options, VerifyProgress? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"model folder '{folder}' does not exist");
        }
        var started = Stopwatch.GetTimestamp();
        progress ??= new VerifyProgress();
        var problems = new ConcurrentBag<VerifyProblem>();

        var (root, source, expected) = Expectations(folder, options, problems);
        var onDisk = ListFiles(root, options.ManifestPath);
        if (source == DigestSource.Manifest)
        {
            foreach (var name in expected.Keys.Where(k => !onDisk.ContainsKey(k)))
            {
                problems.Add(new VerifyProblem(name, ProblemKind.Missing, "listed in the manifest but not on disk"));
            }
            foreach (var name in onDisk.Keys.Where(k => !expected.ContainsKey(k)))
            {
                problems.Add(new VerifyProblem(name, ProblemKind.Extra, "on disk but not listed in the manifest"));
            }
        }

        var formats = CheckStructure(root, onDisk, problems);

        var toHash = onDisk.Where(f => expected.ContainsKey(f.Key)).OrderByDescending(f => f.Value).ToList();
        var sizeMismatch = toHash.Where(f => expected[f.Key].SizeBytes is { } size && size != f.Value).ToList();
        foreach (var (name, size) in sizeMismatch)
        {
            problems.Add(new VerifyProblem(name, ProblemKind.Corrupt, $"is {size} bytes, expected {expected[name].SizeBytes} (truncated or wrong file)"));
        }
        toHash = toHash.Except(sizeMismatch).ToList();
        progress.TotalBytes = toHash.Sum(f => f.Value);
        progress.TotalFiles = toHash.Count;

        var digests = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.Parallelism ?? Environment.ProcessorCount),
            CancellationToken = cancellationToken,
        };
        Action<int> onBytes = n => progress.AddBytes(n);
        await Parallel.ForEachAsync(toHash, parallel, async (file, ct) =>
        {
            var want = expected[file.Key];
            try
            {
                var digest = await FileHasher.HashAsync(Path.Combine(root, file.Key), want.Algorithm, onBytes, ct);
                digests[file.Key] = digest;
                if (digest != want.Hex)
                {
                    problems.Add(new VerifyProblem(file.Key, ProblemKind.Corrupt, $"{Name(want.Algorithm)} is {digest}, expected {want.Hex} (content damaged)"));
                }
            }
            catch (IOException e)
            {
                problems.Add(new VerifyProblem(file.Key, ProblemKind.Corrupt, $"cannot be read ({e.Message})"));
            }
            progress.FileDone();
        });

        var sorted = problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Message, StringComparer.Ordinal).ToList();
        var bad = sorted.Select(p => p.File).ToHashSet(StringComparer.Ordinal);
        var files = onDisk.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new VerifiedFile(f.Key, f.Value,
            formats.GetValueOrDefault(f.Key), expected.TryGetValue(f.Key, out var e) ? e.Algorithm : null,
            digests.GetValueOrDefault(f.Key), !bad.Contains(f.Key))).ToList();
        return new VerifyReport(root, source, files, sorted, progress.BytesDone, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static (string Root, DigestSource Source, IReadOnlyDictionary<string, ExpectedDigest> Expected) Expectations(
        string folder, VerifyOptions options, ConcurrentBag<VerifyProblem> problems)
    {
        if (options.ManifestPath is { } manifest)
        {
            if (!File.Exists(manifest))
            {
                throw new FileNotFoundException($"manifest '{manifest}' does not exist", manifest);
            }
            return (folder, DigestSource.Manifest, ManifestReader.Read(manifest));
        }
        if (HuggingFaceCache.FindSnapshot(folder) is { } snapshot)
        {
            var expected = HuggingFaceCache.ExpectedDigests(snapshot, out var dangling);
            foreach (var name in dangling)
            {
                problems.Add(new VerifyProblem(name, ProblemKind.Missing, $"links to blob {expected[name].Hex}, which is not in blobs/ (download incomplete)"));
            }
            return (snapshot, DigestSource.HuggingFaceCache, expected);
        }
        return (folder, DigestSource.None, new Dictionary<string, ExpectedDigest>());
    }

    /// <summary>Files under the folder with their sizes, skipping tool metadata (.git, huggingface_hub's .cache)
    /// and the manifest itself; links whose target is gone are left out (reported as missing instead).</summary>
    private static Dictionary<string, long> ListFiles(string root, string? manifestPath)
    {
        var manifest = manifestPath is null ? null : Path.GetFullPath(manifestPath);
        var files = new Dictionary<string, long>(StringComparer.Ordinal);
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFiles(root, "*", enumeration))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith(".git/", StringComparison.Ordinal) || relative.StartsWith(".cache/", StringComparison.Ordinal)
                || Path.GetFullPath(path) == manifest || SizeIfPresent(path) is not { } size)
            {
                continue;
            }
            files[relative] = size;
        }
        return files;
    }

    /// <summary>The file's size, following links; null for a link whose target is gone.</summary>
    internal static long? SizeIfPresent(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return info.Length;
        }
        return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target ? target.Length : null;
    }

    private static Dictionary<string, string> CheckStructure(string root, Dictionary<string, long> onDisk, ConcurrentBag<VerifyProblem> problems)
    {
        var formats = new Dictionary<string, string>(StringComparer.Ordinal);
        var inspections = new Dictionary<string, SafetensorsInspection>(StringComparer.Ordinal);
        foreach (var name in onDisk.Keys.Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(root, name);
            try
            {
                if (name.EndsWith(".safetensors", StringComparison.Ordinal))
                {
                    formats[name] = "safetensors";
                    var inspection = inspections[name] = SafetensorsInspector.Inspect(path);
                    Report(name, inspection.Faults, problems);
                }
                else if (name.EndsWith(".gguf", StringComparison.Ordinal))
                {
                    formats[name] = "gguf";
                    Report(name, GgufInspector.Inspect(path), problems);
                }
            }
            catch (IOException e)
            {
                problems.Add(new VerifyProblem(name, ProblemKind.Malformed, $"cannot be read ({e.Message})"));
            }
        }
        foreach (var index in onDisk.Keys.Where(k => k.EndsWith(".safetensors.index.json", StringComparison.Ordinal)))
        {
            formats[index] = "safetensors-index";
            foreach (var p in SafetensorsIndexInspector.Check(root, index, shard => inspections.GetValueOrDefault(shard)))
            {
                problems.Add(p);
            }
        }
        return formats;
    }

    private static void Report(string file, IReadOnlyList<string> faults, ConcurrentBag<VerifyProblem> problems)
    {
        foreach (var fault in faults)
        {
            problems.Add(new VerifyProblem(file, ProblemKind.Malformed, fault));
        }
    }

    private static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "git blob SHA-1";
}
