namespace LlmFleet.Cli.Tests.Serve;

/// <summary><c>serve</c> refuses a fleet file whose <c>auth.jwt</c> has an unknown entry, with exit code 2 and the
/// entry's place, like every other section.</summary>
public sealed class ServeJwtConfigTests
{
    [Fact]
    public async Task Serve_UnknownEntryUnderAuthJwt_Exits2NamingIt()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "fleet.yaml");
        await File.WriteAllTextAsync(path, """
            auth:
              mode: jwt
              jwt: { issuer: https://idp.example.com, audience: llm-fleet, jwks_url: https://idp.example.com/jwks, audiance: typo }
            models: [{ name: m, backends: [{ url: 'http://127.0.0.1:1' }] }]
            """, TestContext.Current.CancellationToken);
        var r = await CliRun.RunAsync("serve", "--config", path, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("auth.jwt.audiance: unknown entry", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }
}
