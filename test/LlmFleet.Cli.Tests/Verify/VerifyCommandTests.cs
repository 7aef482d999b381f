using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlmFleet.Cli.Tests.Verify;

/// <summary><c>llmfleet verify</c> parsed from real argument strings: exit codes, JSON, messages.</summary>
public sealed class VerifyCommandTests
{
    /// <summary>A one-tensor safetensors file (F32 [4]) and a sha256sum manifest for it, outside the folder.</summary>
    private static (string Folder, string Manifest) Model()
    {
        var dir = TestPaths.NewTempDirectory();
        var header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""");
        var bytes = new byte[8 + header.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var path = Path.Combine(dir, "model.safetensors");
        File.WriteAllBytes(path, bytes);
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "SHA256SUMS");
        File.WriteAllText(manifest, $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  model.safetensors\n");
        return (dir, manifest);
    }

    [Fact]
    public async Task Verify_IntactFolder_ExitsZeroAndSaysOk()
    {
        var (dir, manifest) = Model();
        var result = await CliRun.RunAsync("verify", dir, "--sha256", manifest);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("OK", result.Output);
    }

    [Fact]
    public async Task Verify_CorruptFile_ExitsOneAndNamesFile()
    {
        var (dir, manifest) = Model();
        var path = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var result = await CliRun.RunAsync("verify", dir, "--sha256", manifest);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("model.safetensors", result.Output);
        Assert.Contains("corrupt", result.Output);
    }

    [Fact]
    public async Task Verify_Json_ListsFilesAndProblemsInSnakeCase()
    {
        var (dir, manifest) = Model();
        File.WriteAllText(Path.Combine(dir, "stray.bin"), "x");
        var result = await CliRun.RunAsync("verify", dir, "--sha256", manifest, "--json");
        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal("manifest", root.GetProperty("digest_source").GetString());
        var problem = Assert.Single(root.GetProperty("problems").EnumerateArray());
        Assert.Equal("stray.bin", problem.GetProperty("file").GetString());
        Assert.Equal("extra", problem.GetProperty("kind").GetString());
        Assert.Equal(new FileInfo(Path.Combine(dir, "model.safetensors")).Length, root.GetProperty("bytes_hashed").GetInt64());
    }

    [Fact]
    public async Task Verify_MissingFolder_ExitsTwoWithMessage()
    {
        var result = await CliRun.RunAsync("verify", "/nonexistent/model");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'/nonexistent/model' does not exist", result.Error);
    }

    [Fact]
    public async Task Verify_MalformedManifest_ExitsTwoNamingLine()
    {
        var (dir, _) = Model();
        var manifest = Path.Combine(TestPaths.NewTempDirectory(), "bad.txt");
        File.WriteAllText(manifest, "not a digest line\n");
        var result = await CliRun.RunAsync("verify", dir, "--sha256", manifest);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 1", result.Error);
    }

    [Fact]
    public async Task Verify_ZeroParallel_ExitsTwo()
    {
        var (dir, _) = Model();
        var result = await CliRun.RunAsync("verify", dir, "--parallel", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--parallel must be at least 1", result.Error + result.Output);
    }
}
