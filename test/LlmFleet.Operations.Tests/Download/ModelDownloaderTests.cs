using System.Globalization;
using LlmFleet.Operations.Download;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Tests.Download;

/// <summary>Downloads from a fake hub on loopback: layouts, filters, resume, retries and corruption.</summary>
public sealed class ModelDownloaderTests
{
    private const string Repo = "zai-org/GLM-5.2-FP8";
    private const int Chunk = 64 << 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Two shards spanning many chunks, a config, and a GGUF sub-folder.</summary>
    private static Dictionary<string, byte[]> Model() => new()
    {
        ["config.json"] = """{"model_type":"glm_moe_dsa"}"""u8.ToArray(),
        ["model-00001-of-00002.safetensors"] = Bytes((Chunk * 9) + 123, 1),
        ["model-00002-of-00002.safetensors"] = Bytes((Chunk * 5) + 7, 2),
        ["UD-IQ2_XXS/GLM-5.2-UD-IQ2_XXS-00001-of-00002.gguf"] = Bytes(Chunk * 3, 3),
        ["UD-IQ2_XXS/GLM-5.2-UD-IQ2_XXS-00002-of-00002.gguf"] = Bytes(Chunk + 1, 4),
    };

    private static ModelDownloader Downloader(FakeHub hub, string? token = null) =>
        new(new HubClient(HubClient.CreateHttpClient(), hub.Endpoint, token,
            new RetryPolicy(TimeProvider.System, new Random(1), maxAttempts: 5, baseDelay: TimeSpan.FromMilliseconds(10))));

    private static DownloadOptions Options(FakeHub hub, string? dir = null, string? cache = null, IReadOnlyList<string>? include = null) =>
        new(Repo, Include: include, Dir: dir, Cache: cache ?? (dir is null ? TestPaths.NewTempDirectory() : null),
            Endpoint: hub.Endpoint.ToString(), Connections: 4, ChunkBytes: Chunk);

    private static void AssertSameFiles(IReadOnlyDictionary<string, byte[]> expected, string folder, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            Assert.Equal(expected[path], File.ReadAllBytes(Path.Combine(folder, path)));
        }
    }

    /// <summary>The first and last byte a request's Range header asks for.</summary>
    private static (long From, long To) RangeOf(HubRequest request)
    {
        var parts = request.Range!["bytes=".Length..].Split('-');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static long RangeLength(HubRequest request)
    {
        var (from, to) = RangeOf(request);
        return to - from + 1;
    }

    [Fact]
    public async Task RunAsync_PlainFolder_WritesEveryFileVerified_AndSecondRunDownloadsNothing()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        var dir = TestPaths.NewTempDirectory();
        var first = await Downloader(hub).RunAsync(Options(hub, dir: dir), cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        Assert.All(first.Files, f => Assert.Equal("downloaded", f.Status));
        Assert.Equal(hub.Files.Values.Sum(v => (long)v.Length), first.BytesDownloaded);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, ".cache"), "*", SearchOption.AllDirectories));

        var served = hub.Requests.Count;
        var second = await Downloader(hub).RunAsync(Options(hub, dir: dir), cancellationToken: Ct);
        Assert.All(second.Files, f => Assert.Equal("present", f.Status));
        Assert.Equal(0, second.BytesDownloaded);
        Assert.Equal(first.BytesVerified, second.BytesVerified);
        Assert.Equal(served + 1, hub.Requests.Count); // only the file listing
    }

    [Fact]
    public async Task RunAsync_HubCache_WritesBlobsSnapshotLinksAndRef_ThatVerifyAccepts()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        var cache = TestPaths.NewTempDirectory();
        var report = await Downloader(hub).RunAsync(Options(hub, cache: cache), cancellationToken: Ct);
        var repoDir = Path.Combine(cache, "models--zai-org--GLM-5.2-FP8");
        Assert.Equal(Path.Combine(repoDir, "snapshots", FakeHub.Commit), report.ModelFolder);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        var shard = hub.Files["model-00001-of-00002.safetensors"];
        Assert.True(File.Exists(Path.Combine(repoDir, "blobs", FakeHub.Sha256(shard))));
        Assert.True(File.Exists(Path.Combine(repoDir, "blobs", FakeHub.GitBlobId(hub.Files["config.json"]))));
        var link = new FileInfo(Path.Combine(report.ModelFolder, "UD-IQ2_XXS", "GLM-5.2-UD-IQ2_XXS-00001-of-00002.gguf"));
        Assert.StartsWith("../../../blobs/", link.LinkTarget);
        AssertSameFiles(hub.Files, report.ModelFolder, hub.Files.Keys);

        // verify reads the same layout: every blob checked against its name, no manifest needed.
        var verified = await ModelFolderVerifier.VerifyAsync(repoDir, new VerifyOptions(), cancellationToken: Ct);
        Assert.Equal(DigestSource.HuggingFaceCache, verified.DigestSource);
        Assert.Equal(hub.Files.Count, verified.Files.Count(f => f.Digest is not null));
    }

    [Fact]
    public async Task RunAsync_HubCacheTwoPathsSameContent_FetchesOneBlobAndLinksBoth()
    {
        var shared = Bytes(Chunk * 2, 8);
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["a/model.safetensors"] = shared, ["b/model.safetensors"] = shared });
        var report = await Downloader(hub).RunAsync(Options(hub), cancellationToken: Ct);
        AssertSameFiles(hub.Files, report.ModelFolder, hub.Files.Keys);
        Assert.Equal(["downloaded", "present"], report.Files.Select(f => f.Status).Order());
        Assert.Equal(shared.Length, report.BytesDownloaded);
    }

    [Fact]
    public async Task RunAsync_IncludeSubfolderGlob_FetchesOnlyThatFolder()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        var dir = TestPaths.NewTempDirectory();
        var report = await Downloader(hub).RunAsync(Options(hub, dir: dir, include: ["UD-IQ2_XXS/*"]), cancellationToken: Ct);
        Assert.Equal(["UD-IQ2_XXS/GLM-5.2-UD-IQ2_XXS-00001-of-00002.gguf", "UD-IQ2_XXS/GLM-5.2-UD-IQ2_XXS-00002-of-00002.gguf"],
            report.Files.Select(f => f.Path).Order());
        Assert.False(File.Exists(Path.Combine(dir, "config.json")));
    }

    [Fact]
    public async Task RunAsync_ConnectionCutMidFile_RetriesAndCompletesVerified()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        hub.CutOncePath = "model-00001-of-00002.safetensors";
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir), cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        Assert.Contains(hub.Requests, r => r.Path.Contains("path=model-00001", StringComparison.Ordinal) && r.BytesSent == RangeLength(r) / 2);
    }

    [Fact]
    public async Task RunAsync_ConnectionCutInsideChunk_RetryAsksOnlyForTheRest()
    {
        // One 4 MiB range: the cut comes after two 1 MiB blocks and a part of the third have arrived.
        var size = (5 << 20) / 2;
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes(size, 10) });
        hub.CutOncePath = "model.safetensors";
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir) with { Connections = 1, ChunkBytes = 4 << 20 }, cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        var content = hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, content.Count);
        Assert.Equal($"bytes=0-{size - 1}", content[0].Range);
        // The retry starts where the received bytes ended (the reset may drop a few in flight), not at byte 0.
        var resumedAt = RangeOf(content[1]).From;
        Assert.InRange(resumedAt, 1, content[0].BytesSent);
        Assert.Equal($"bytes={resumedAt}-{size - 1}", content[1].Range);
    }

    [Fact]
    public async Task RunAsync_ManyRanges_AskTheHubOncePerConnectionThenGoStraightToTheCdn()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        var shard = "model-00001-of-00002.safetensors"; // 10 chunks over 4 connections: a run of 2, then 8 single chunks
        await Downloader(hub).RunAsync(Options(hub, dir: TestPaths.NewTempDirectory(), include: [shard]), cancellationToken: Ct);
        var resolves = hub.Requests.Count(r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
        var ranges = hub.Requests.Count(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.Equal(9, ranges);
        Assert.InRange(resolves, 1, 4); // the first request of each of the 4 connections may start before any answer
    }

    [Fact]
    public async Task RunAsync_OneConnection_AsksForRunsOfChunksNotEachChunk()
    {
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes((Chunk * 129) + 5, 11) });
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir) with { Connections = 1 }, cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        // 130 chunks over one connection: runs of the longest, 64 chunks per request.
        Assert.Equal([$"bytes=0-{(Chunk * 64) - 1}", $"bytes={Chunk * 64}-{(Chunk * 128) - 1}", $"bytes={Chunk * 128}-{Chunk * 129 + 4}"],
            hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).Select(r => r.Range));
    }

    [Fact]
    public async Task RunAsync_FourConnections_LastRequestsAreSingleChunks()
    {
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes(Chunk * 64, 12) });
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir) with { Connections = 4 }, cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        // 64 chunks: the first request asks for 64 / 8 of them, and the runs shrink to one chunk as the file ends.
        var lengths = hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).Select(RangeLength).ToList();
        Assert.Equal(Chunk * 8, lengths.Max());
        Assert.Equal(Chunk * 64, lengths.Sum());
        Assert.Equal(8, lengths.Count(l => l == Chunk)); // the last 8 chunks, one request each
    }

    [Fact]
    public async Task RunAsync_CdnLinkExpiresMidFile_ResolvesAgainAndCompletes()
    {
        // 130 chunks over one connection: three ranges, the second of which finds its link expired.
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes(Chunk * 130, 13) });
        hub.ExpireLinksAfter = 1;
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir) with { Connections = 1 }, cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        var expired = hub.Requests.Single(r => r.Status == 403);
        var after = hub.Requests.SkipWhile(r => r != expired).Skip(1).First();
        Assert.Contains("/resolve/", after.Path); // straight back to the hub for a fresh link, no backoff
        Assert.True(after.At - expired.At < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RunAsync_503WithRetryAfter_WaitsThatLongThenCompletes()
    {
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes(Chunk, 9) });
        hub.Fail503Count = 1;
        var dir = TestPaths.NewTempDirectory();
        await Downloader(hub).RunAsync(Options(hub, dir: dir), cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        var content = hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal([503, 206], content.Select(r => r.Status));
        Assert.True(content[1].At - content[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {content[1].At - content[0].At}");
    }

    [Fact]
    public async Task RunAsync_CorruptedByte_FailsNamingFileAndPlacesNothing()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        hub.CorruptPath = "model-00002-of-00002.safetensors";
        var cache = TestPaths.NewTempDirectory();
        var e = await Assert.ThrowsAsync<DownloadException>(() => Downloader(hub).RunAsync(Options(hub, cache: cache), cancellationToken: Ct));
        Assert.Contains("model-00002-of-00002.safetensors", e.Message);
        Assert.Contains("was not placed", e.Message);
        var blobs = Path.Combine(cache, "models--zai-org--GLM-5.2-FP8", "blobs");
        var blob = Path.Combine(blobs, FakeHub.Sha256(hub.Files["model-00002-of-00002.safetensors"]));
        Assert.False(File.Exists(blob));
        Assert.False(File.Exists(blob + ".incomplete")); // other files' partial blobs may stay, to resume
        Assert.False(File.Exists(Path.Combine(cache, "models--zai-org--GLM-5.2-FP8", "snapshots", FakeHub.Commit, "model-00002-of-00002.safetensors")));
    }

    [Fact]
    public async Task RunAsync_InterruptedThenRerun_ResumesFromSavedPrefix()
    {
        // 128 chunks: two requests of 4 MiB; the first stalls after 2 MiB, two 1 MiB blocks written and hashed.
        var size = Chunk * 128;
        await using var hub = await FakeHub.StartAsync(new Dictionary<string, byte[]> { ["model.safetensors"] = Bytes(size, 5) });
        hub.StallOncePath = "model.safetensors";
        var dir = TestPaths.NewTempDirectory();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new DownloadProgress();
        var options = Options(hub, dir: dir) with { Connections = 1 };
        var run = Downloader(hub).RunAsync(options, progress, stop.Token);
        while (progress.BytesDone < 2 << 20 && !run.IsCompleted)
        {
            await Task.Delay(5, Ct);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")));
        var firstRunRequests = hub.Requests.Count;

        await Downloader(hub).RunAsync(options, cancellationToken: Ct);
        AssertSameFiles(hub.Files, dir, hub.Files.Keys);
        var resumed = hub.Requests.Skip(firstRunRequests).First(r => r.Range is not null);
        Assert.StartsWith($"bytes={2 << 20}-", resumed.Range); // the saved prefix, on a chunk boundary
        Assert.Equal(size, hub.Requests.Sum(r => r.BytesSent));
    }

    [Fact]
    public async Task RunAsync_MoreThanTheDiskHolds_RefusesBeforeFetchingAnything()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        hub.ListedSizes["model-00001-of-00002.safetensors"] = 1L << 60; // an exabyte: no test machine has it free
        var dir = TestPaths.NewTempDirectory();
        var e = await Assert.ThrowsAsync<DownloadException>(() => Downloader(hub).RunAsync(Options(hub, dir: dir), cancellationToken: Ct));
        Assert.Matches(@"^5 files need [\d,.]+ GB but only [\d,.]+ GB are free at ", e.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public async Task RunAsync_Token_SentToEndpointOnly()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        hub.RequiredToken = "hf_secret";
        await Downloader(hub, token: "hf_secret").RunAsync(Options(hub, dir: TestPaths.NewTempDirectory()), cancellationToken: Ct);
        Assert.All(hub.Requests.Where(r => r.Host == "127.0.0.1"), r => Assert.True(r.HadToken, r.Path));
        Assert.All(hub.Requests.Where(r => r.Host == "localhost"), r => Assert.False(r.HadToken, r.Path));
        Assert.Contains(hub.Requests, r => r.Host == "localhost");
    }

    [Fact]
    public async Task RunAsync_UnknownRevision_SaysSo()
    {
        await using var hub = await FakeHub.StartAsync(Model());
        var e = await Assert.ThrowsAsync<DownloadException>(() =>
            Downloader(hub).RunAsync(Options(hub, dir: TestPaths.NewTempDirectory()) with { Revision = "v9" }, cancellationToken: Ct));
        Assert.Contains("no such repository or revision 'v9'", e.Message);
    }

    [Theory]
    [InlineData("UD-IQ2_XXS/a.gguf", "UD-IQ2_XXS/*", true)]
    [InlineData("UD-IQ2_XXS/sub/a.gguf", "UD-IQ2_XXS/*", true)]
    [InlineData("Q4_K_M/a.gguf", "UD-IQ2_XXS/*", false)]
    [InlineData("model-00001-of-00002.safetensors", "*.safetensors", true)]
    [InlineData("original/model.pth", "original/", true)]
    [InlineData("config.json", "*.[jt]son", true)]
    public void Glob_PatternsPeopleUse_MatchAsHuggingFaceHub(string path, string pattern, bool expected)
    {
        Assert.Equal(expected, PathGlob.Matches(path, pattern));
    }
}
