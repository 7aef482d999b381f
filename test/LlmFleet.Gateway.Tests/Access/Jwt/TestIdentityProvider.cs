using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LlmFleet.Gateway.Tests.Access.Jwt;

/// <summary>
/// A stand-in identity provider: a real Kestrel server on 127.0.0.1 (port 0) serving a JSON Web Key Set at
/// <c>/jwks</c> (which keys it publishes can change, as when a provider rotates), counting its fetches, and signing
/// tokens with its keys through Microsoft.IdentityModel, as Keycloak or Entra would.
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Issuer = "https://idp.test/realms/fleet";
    public const string Audience = "llm-fleet";

    private static readonly JsonWebTokenHandler Handler = new();
    private readonly WebApplication _app;
    private readonly List<IDisposable> _owned = [];
    private volatile string _jwks = """{"keys":[]}""";
    private int _fetches;

    private TestIdentityProvider(WebApplication app)
    {
        _app = app;
        JwksUrl = new Uri(new Uri(app.Urls.First()), "/jwks");
    }

    public Uri JwksUrl { get; }

    /// <summary>How many times the key set was fetched.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        TestIdentityProvider? provider = null;
        var app = await TestFleet.StartStandInAsync(a => a.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref provider!._fetches);
            return Results.Text(provider._jwks, "application/json");
        }));
        provider = new TestIdentityProvider(app);
        return provider;
    }

    /// <summary>The gateway's <c>auth.jwt</c> for this provider; <paramref name="claims"/> adds claim names to <c>sub</c>.</summary>
    public JwtConfig Config(IReadOnlyDictionary<string, string>? claims = null, IReadOnlyDictionary<string, JsonElement>? defaults = null,
        TimeSpan? unknownKidRefresh = null)
    {
        var names = new Dictionary<string, string> { [JwtTerms.Subject] = "sub" };
        foreach (var (term, claim) in claims ?? new Dictionary<string, string>())
        {
            names[term] = claim;
        }
        return new JwtConfig
        {
            Issuer = Issuer,
            Audiences = [Audience],
            JwksUrl = JwksUrl,
            Claims = names,
            Defaults = defaults ?? new Dictionary<string, JsonElement>(),
            UnknownKidRefresh = unknownKidRefresh ?? TimeSpan.FromSeconds(30),
        };
    }

    public SigningKey NewRsaKey(string kid)
    {
        var rsa = RSA.Create(2048);
        _owned.Add(rsa);
        var p = rsa.ExportParameters(false);
        var jwk = JsonSerializer.Serialize(new { kty = "RSA", use = "sig", alg = "RS256", kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) });
        return new SigningKey(kid, new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256, jwk);
    }

    public SigningKey NewEcKey(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(ec);
        var p = ec.ExportParameters(false);
        var jwk = JsonSerializer.Serialize(new { kty = "EC", use = "sig", crv = "P-256", kid, x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) });
        return new SigningKey(kid, new ECDsaSecurityKey(ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, jwk);
    }

    /// <summary>From now on the key set holds exactly <paramref name="keys"/>.</summary>
    public void Publish(params SigningKey[] keys) => _jwks = $$"""{"keys":[{{string.Join(",", keys.Select(k => k.PublicJwk))}}]}""";

    /// <summary>A token signed with <paramref name="key"/>, valid from a minute ago for <paramref name="lifetime"/> (default 10 min).</summary>
    public static string Token(SigningKey key, string subject = "alice", IDictionary<string, object>? claims = null, string issuer = Issuer,
        string audience = Audience, TimeSpan? lifetime = null) =>
        Token(new SigningCredentials(key.Key, key.Algorithm), subject, claims, issuer, audience, lifetime);

    public static string Token(SigningCredentials credentials, string subject = "alice", IDictionary<string, object>? claims = null,
        string issuer = Issuer, string audience = Audience, TimeSpan? lifetime = null)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = subject };
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = all,
            IssuedAt = expires - TimeSpan.FromMinutes(20),
            NotBefore = expires - TimeSpan.FromMinutes(20),
            Expires = expires,
            SigningCredentials = credentials,
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature, as an attacker would write it.</summary>
    public static string UnsignedToken(string subject = "alice")
    {
        var exp = TimeProvider.System.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds();
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        return Part("""{"alg":"none","typ":"JWT"}""") + "." +
            Part($$"""{"sub":"{{subject}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""") + ".";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        foreach (var key in _owned)
        {
            key.Dispose();
        }
    }
}

/// <summary>A signing key of the provider: its private half for signing tokens, and the public JWK it publishes.</summary>
internal sealed record SigningKey(string Kid, SecurityKey Key, string Algorithm, string PublicJwk);
