using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Tests.Verify;

/// <summary>Content hashes against a sha256sum manifest, Hugging Face's JSON listing, and the hub cache layout.</summary>
public sealed class HashVerifyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A model folder: two shards, a config, and a bigger file that spans several hashing chunks.</summary>
    private static string ModelFolder()
    {
        var dir = TestPaths.NewTempDirectory();
        SafetensorsWriter.Write(Path.Combine(dir, "model-00001-of-00002.safetensors"), [SafetensorsWriter.Bf16("a", 16, 16)]);
        SafetensorsWriter.Write(Path.Combine(dir, "model-00002-of-00002.safetensors"), [SafetensorsWriter.Bf16("b", 1024, 1500)]);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type":"llama"}""");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "sub", "tokenizer.json"), "{}");
        return dir;
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Sha256SumManifest(string dir, string outside)
    {
        var lines = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order()
            .Select(p => $"{Sha256Of(p)}  ./{Path.GetRelativePath(dir, p)}");
        var manifest = Path.Combine(outside, "SHA256SUMS");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    private static Task<VerifyReport> Verify(string dir, string? manifest = null, int? parallelism = null) =>
        ModelFolderVerifier.VerifyAsync(dir, new VerifyOptions(manifest, parallelism), cancellationToken: Ct);

    private static void FlipByte(string path, long offset)
    {
        using var f = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        var b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x01));
    }

    [Fact]
    public async Task HashAsync_MultiChunkFile_EqualsSha256OfWholeContent()
    {
        var dir = TestPaths.NewTempDirectory();
        var path = Path.Combine(dir, "big.bin");
        var data = new byte[(FileHasher.ChunkBytes * 3) + 12345];
        new Random(1).NextBytes(data);
        File.WriteAllBytes(path, data);
        long reported = 0;
        var digest = await FileHasher.HashAsync(path, DigestAlgorithm.Sha256, n => reported += n, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);
        Assert.Equal(data.Length, reported);
    }

    [Fact]
    public async Task HashAsync_GitBlobSha1_MatchesGitHashObject()
    {
        var git = RequiresTool.OrSkip("git", "git");
        var path = Path.Combine(TestPaths.NewTempDirectory(), "config.json");
        File.WriteAllText(path, """{"architectures": ["GlmMoeForCausalLM"]}""" + "\n");
        var psi = new ProcessStartInfo(git, ["hash-object", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        var expected = (await process.StandardOutput.ReadToEndAsync(Ct)).Trim();
        Assert.Equal(expected, await FileHasher.HashAsync(path, DigestAlgorithm.GitBlobSha1, cancellationToken: Ct));
    }

    [Fact]
    public async Task VerifyAsync_ManifestWrittenBySha256sum_Passes()
    {
        var sha256sum = RequiresTool.OrSkip("sha256sum", "coreutils");
        var dir = ModelFolder();
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "SHA256SUMS");
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir, p)).Order().ToList();
        var psi = new ProcessStartInfo(sha256sum, ["-b", .. files]) { WorkingDirectory = dir, RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        await File.WriteAllTextAsync(manifest, await process.StandardOutput.ReadToEndAsync(Ct), Ct);

        var report = await Verify(dir, manifest);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(DigestSource.Manifest, report.DigestSource);
        Assert.All(report.Files, f => Assert.NotNull(f.Digest));
        Assert.Equal(report.Files.Sum(f => f.SizeBytes), report.BytesHashed);
    }

    [Fact]
    public async Task VerifyAsync_FlippedByteInShard_ReportsCorruptFile()
    {
        var dir = ModelFolder();
        var manifest = Sha256SumManifest(dir, TestPaths.NewTempDirectory());
        FlipByte(Path.Combine(dir, "model-00002-of-00002.safetensors"), 1_000_000);
        var report = await Verify(dir, manifest);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(("model-00002-of-00002.safetensors", ProblemKind.Corrupt), (problem.File, problem.Kind));
        Assert.Contains("SHA-256 is", problem.Message);
        Assert.False(report.Files.Single(f => f.Path == problem.File).Ok);
    }

    [Fact]
    public async Task VerifyAsync_MissingAndExtraFiles_AreListed()
    {
        var dir = ModelFolder();
        var manifest = Sha256SumManifest(dir, TestPaths.NewTempDirectory());
        File.Delete(Path.Combine(dir, "sub", "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "hi");
        var report = await Verify(dir, manifest);
        Assert.Equal(
            [("notes.txt", ProblemKind.Extra), ("sub/tokenizer.json", ProblemKind.Missing)],
            report.Problems.Select(p => (p.File, p.Kind)).ToArray());
    }

    [Fact]
    public async Task VerifyAsync_OneThreadOrMany_FindTheSame()
    {
        var dir = ModelFolder();
        var manifest = Sha256SumManifest(dir, TestPaths.NewTempDirectory());
        FlipByte(Path.Combine(dir, "config.json"), 2);
        var one = await Verify(dir, manifest, parallelism: 1);
        var many = await Verify(dir, manifest, parallelism: 4);
        Assert.Equal(one.Problems, many.Problems);
        Assert.Single(one.Problems);
    }

    [Fact]
    public async Task VerifyAsync_BadManifestLine_ThrowsNamingLine()
    {
        var dir = ModelFolder();
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "SHA256SUMS");
        File.WriteAllText(manifest, "abc  config.json\n");
        var e = await Assert.ThrowsAsync<FormatException>(() => Verify(dir, manifest));
        Assert.Contains("line 1", e.Message);
    }

    [Fact]
    public async Task VerifyAsync_HuggingFaceTreeListing_ChecksLfsSha256AndGitOids()
    {
        var dir = ModelFolder();
        var tree = new JsonArray();
        foreach (var path in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(dir, path);
            var size = new FileInfo(path).Length;
            var entry = new JsonObject
            {
                ["type"] = "file",
                ["path"] = rel,
                ["size"] = size,
                ["oid"] = await FileHasher.HashAsync(path, DigestAlgorithm.GitBlobSha1, cancellationToken: Ct),
            };
            if (rel.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                entry["lfs"] = new JsonObject { ["oid"] = Sha256Of(path), ["size"] = size, ["pointerSize"] = 134 };
            }
            tree.Add(entry);
        }
        tree.Add(new JsonObject { ["type"] = "directory", ["path"] = "sub", ["oid"] = "0000000000000000000000000000000000000000", ["size"] = 0 });
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "tree.json");
        File.WriteAllText(manifest, tree.ToJsonString());

        var ok = await Verify(dir, manifest);
        Assert.True(ok.Ok, string.Join("\n", ok.Problems));
        Assert.Equal(DigestAlgorithm.GitBlobSha1, ok.Files.Single(f => f.Path == "config.json").Algorithm);
        Assert.Equal(DigestAlgorithm.Sha256, ok.Files.Single(f => f.Path == "model-00001-of-00002.safetensors").Algorithm);

        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type":"LLAMA"}""");
        var bad = Assert.Single((await Verify(dir, manifest)).Problems);
        Assert.Equal("config.json", bad.File);
        Assert.Contains("git blob SHA-1", bad.Message);
    }

    [Fact]
    public async Task VerifyAsync_SiblingsListingWithTruncatedFile_ReportsSizeWithoutHashing()
    {
        var dir = ModelFolder();
        var shard = Path.Combine(dir, "model-00002-of-00002.safetensors");
        var siblings = new JsonArray(new JsonObject
        {
            ["rfilename"] = "model-00002-of-00002.safetensors",
            ["size"] = new FileInfo(shard).Length,
            ["lfs"] = new JsonObject { ["sha256"] = Sha256Of(shard), ["size"] = new FileInfo(shard).Length },
        });
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "model_info.json");
        File.WriteAllText(manifest, new JsonObject { ["id"] = "org/model", ["siblings"] = siblings }.ToJsonString());
        using (var f = File.OpenWrite(shard))
        {
            f.SetLength(f.Length - 100);
        }
        var report = await Verify(dir, manifest);
        Assert.Contains(report.Problems, p => p.File == "model-00002-of-00002.safetensors" && p.Kind == ProblemKind.Corrupt && p.Message.Contains("expected"));
        Assert.Contains(report.Problems, p => p.File == "model-00002-of-00002.safetensors" && p.Kind == ProblemKind.Malformed);
        Assert.Contains(report.Problems, p => p.File == "config.json" && p.Kind == ProblemKind.Extra);
    }

    /// <summary>The layout huggingface_hub writes: blobs named by digest, snapshot links, refs/main.</summary>
    private static async Task<(string Repo, string Snapshot)> HubCache()
    {
        var source = ModelFolder();
        var repo = Path.Combine(TestPaths.NewTempDirectory(), "models--zai-org--GLM-5.2-FP8");
        var commit = "0123456789abcdef0123456789abcdef01234567";
        var snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit);
        foreach (var path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(source, path);
            var blobName = rel.EndsWith(".safetensors", StringComparison.Ordinal)
                ? Sha256Of(path)
                : await FileHasher.HashAsync(path, DigestAlgorithm.GitBlobSha1, cancellationToken: Ct);
            File.Copy(path, Path.Combine(repo, "blobs", blobName));
            var link = Path.Combine(snapshot, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            var target = Path.GetRelativePath(Path.GetDirectoryName(link)!, Path.Combine(repo, "blobs", blobName));
            File.CreateSymbolicLink(link, target);
        }
        return (repo, snapshot);
    }

    [Fact]
    public async Task VerifyAsync_HubCacheRepoFolder_VerifiesSnapshotWithoutManifest()
    {
        var (repo, snapshot) = await HubCache();
        var report = await Verify(repo);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(DigestSource.HuggingFaceCache, report.DigestSource);
        Assert.Equal(snapshot, report.Folder);
        Assert.Equal(4, report.Files.Count(f => f.Digest is not null));
    }

    [Fact]
    public async Task VerifyAsync_HubCacheCorruptBlobAndMissingBlob_AreReported()
    {
        var (repo, snapshot) = await HubCache();
        var shardLink = new FileInfo(Path.Combine(snapshot, "model-00001-of-00002.safetensors"));
        FlipByte(shardLink.ResolveLinkTarget(true)!.FullName, 100);
        File.Delete(new FileInfo(Path.Combine(snapshot, "sub", "tokenizer.json")).ResolveLinkTarget(true)!.FullName);

        var report = await Verify(snapshot);
        Assert.Contains(report.Problems, p => p is { File: "model-00001-of-00002.safetensors", Kind: ProblemKind.Corrupt });
        Assert.Contains(report.Problems, p => p is { File: "sub/tokenizer.json", Kind: ProblemKind.Missing } && p.Message.Contains("download incomplete"));
        Assert.Equal(2, report.Problems.Count);
    }
}
