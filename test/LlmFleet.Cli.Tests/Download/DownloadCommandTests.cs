using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Cli.Tests.Download;

/// <summary><c>llmfleet download</c> from real argument strings against a one-file hub on loopback.</summary>
public sealed class DownloadCommandTests
{
    private static readonly byte[] Config = Encoding.UTF8.GetBytes("""{"model_type":"llama"}""");

    /// <summary>The revision and resolve endpoints of the hub API, for one small (non-LFS) file.</summary>
    private static async Task<WebApplication> StartHubAsync(ConcurrentQueue<string>? authorizations = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var blobId = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {Config.Length}\0"), .. Config]));
        app.MapGet("/api/models/org/tiny/revision/main", (HttpContext c) =>
        {
            authorizations?.Enqueue(c.Request.Headers.Authorization.ToString());
            return Results.Json(new
        {
            id = "org/tiny",
            sha = "1111111111111111111111111111111111111111",
            siblings = new[] { new { rfilename = "config.json", size = Config.Length, blobId } },
            });
        });
        app.MapGet("/org/tiny/resolve/{rev}/config.json", (HttpContext c) =>
        {
            c.Response.StatusCode = 206;
            c.Response.Headers.ContentRange = $"bytes 0-{Config.Length - 1}/{Config.Length}";
            return c.Response.Body.WriteAsync(Config).AsTask();
        });
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Where the token comes from, as huggingface_hub looks: the variable, the named file, the hub's home.</summary>
    [Theory]
    [InlineData("variable", "Bearer hf_from_variable")]
    [InlineData("token_path", "Bearer hf_from_token_path")]
    [InlineData("hf_home", "Bearer hf_from_hf_home")]
    [InlineData("none", "")]
    public async Task Download_Token_IsFoundWhereHuggingfaceHubLooks(string source, string expected)
    {
        var authorizations = new ConcurrentQueue<string>();
        await using var hub = await StartHubAsync(authorizations);
        var dir = TestPaths.NewTempDirectory();
        var hfHome = Path.Combine(dir, "hf-home");
        Directory.CreateDirectory(hfHome);
        // What `hf auth login` leaves: the token and a line break, in $HF_HOME/token.
        await File.WriteAllTextAsync(Path.Combine(hfHome, "token"), source == "none" ? "" : "hf_from_hf_home\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "other-token"), "  hf_from_token_path \r\n", TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = dir, ["HF_HOME"] = hfHome, ["HUGGING_FACE_HUB_TOKEN"] = null, ["HF_HUB_CACHE"] = null,
            ["HF_TOKEN"] = source == "variable" ? "hf_from_variable" : null,
            ["HF_TOKEN_PATH"] = source is "variable" or "token_path" ? Path.Combine(dir, "other-token") : null,
        };
        // A process of its own: the token is read from the environment, which tests running alongside share.
        var result = await Install.ProgramRun.RunAsync(Install.ProgramRun.Dotnet,
            ["exec", Path.Combine(AppContext.BaseDirectory, "llmfleet.dll"), "download", "org/tiny", "--dir", Path.Combine(dir, "out"), "--endpoint", Address(hub)],
            TimeSpan.FromMinutes(1), environment);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(expected, Assert.Single(authorizations));
    }

    [Fact]
    public async Task Download_IntoFolder_PrintsJsonSummaryAndWritesFile()
    {
        await using var hub = await StartHubAsync();
        var dir = TestPaths.NewTempDirectory();
        var result = await CliRun.RunAsync("download", "org/tiny", "--dir", dir, "--endpoint", Address(hub), "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Config, File.ReadAllBytes(Path.Combine(dir, "config.json")));
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("1111111111111111111111111111111111111111", json.RootElement.GetProperty("commit").GetString());
        Assert.Equal("downloaded", json.RootElement.GetProperty("files")[0].GetProperty("status").GetString());

        var again = await CliRun.RunAsync("download", "org/tiny", "--dir", dir, "--endpoint", Address(hub));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 downloaded", again.Output);
        Assert.Contains("1 already in place", again.Output);
    }

    [Fact]
    public async Task Download_UnreachableEndpoint_ExitsOneWithMessage()
    {
        var result = await CliRun.RunAsync("download", "org/tiny", "--dir", TestPaths.NewTempDirectory(), "--endpoint", "http://127.0.0.1:9/");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot reach", result.Error);
    }

    [Theory]
    [InlineData("org/tiny", "--dir", "a", "--cache", "b")]
    [InlineData("org/tiny", "--connections", "0")]
    [InlineData("not-a-repo-id")]
    [InlineData("org/tiny", "--endpoint", "ftp://mirror")]
    public async Task Download_BadInput_ExitsTwo(params string[] args)
    {
        var result = await CliRun.RunAsync(["download", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
    }
}
