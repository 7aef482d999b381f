using System.Collections.Concurrent;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LlmFleet.Gateway.Access.Jwt;

/// <summary>
/// Checks a client's JSON Web Token with Microsoft.IdentityModel: a signature by a key of the provider's set
/// (<see cref="JwksCache"/>) with an asymmetric algorithm only (no <c>alg: none</c>, no HMAC, so a token "signed" with
/// the provider's public key as an HMAC secret fails), the issuer, an audience, and <c>exp</c>/<c>nbf</c> within the
/// clock skew. Each refusal names the check that failed and never repeats the token. A client sends the same token with
/// every request until it renews it, so an accepted token is remembered (with its caller) until it expires or for
/// <see cref="JwtConfig.JwksRefresh"/> at most — no longer than the key set it was checked against is trusted — and
/// its next requests skip the signature check (bench/access/jwt-overhead.sh).
/// </summary>
internal sealed class JwtAuthenticator(JwtConfig config, JwksCache jwks, TimeProvider time)
{
    /// <summary>The algorithms accepted: RSA, RSA-PSS and ECDSA signatures.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Accepted tokens remembered at most; the memory is emptied when full (a burst of new tokens costs one
    /// signature check each, as without it).</summary>
    private const int MaxRemembered = 10_000;

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Remembered> _accepted = new(StringComparer.Ordinal);

    /// <summary>Whether a bearer credential has a JWT's shape: three base64url parts separated by dots (the last may be
    /// empty, as in an unsigned token, which is then refused as such rather than taken for a key).</summary>
    public static bool LooksLikeJwt(ReadOnlySpan<char> credential)
    {
        var dots = 0;
        foreach (var c in credential)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        return dots == 2 && credential.Length > 0 && credential[0] != '.' && credential.IndexOf("..", StringComparison.Ordinal) < 0;
    }

    public async ValueTask<JwtOutcome> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_accepted.TryGetValue(credential, out var remembered))
        {
            if (now < remembered.Until)
            {
                return JwtOutcome.Accepted(remembered.Caller);
            }
            _accepted.TryRemove(credential, out _);
        }
        var outcome = await CheckAsync(credential, cancellationToken);
        if (outcome.Caller is { } caller)
        {
            if (_accepted.Count >= MaxRemembered)
            {
                _accepted.Clear();
            }
            var expires = new DateTimeOffset(DateTime.SpecifyKind(outcome.ValidTo, DateTimeKind.Utc)) + config.ClockSkew;
            _accepted[credential] = new Remembered(caller, expires < now + config.JwksRefresh ? expires : now + config.JwksRefresh);
        }
        return outcome;
    }

    private async ValueTask<JwtOutcome> CheckAsync(string credential, CancellationToken cancellationToken)
    {
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(credential);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return JwtOutcome.Refused("malformed", "The bearer token is not a well-formed JSON Web Token (header.payload.signature, base64url JSON).");
        }
        if (token.Alg is null or "" or "none" || token.EncodedSignature.Length == 0)
        {
            return JwtOutcome.Refused("unsigned", "The token is not signed (alg 'none'); only tokens signed by the identity provider are accepted.");
        }
        if (!Algorithms.Contains(token.Alg))
        {
            return JwtOutcome.Refused("algorithm",
                $"The token's algorithm '{Shorten(token.Alg)}' is not accepted; tokens must be signed with the identity provider's key ({string.Join(", ", Algorithms)}).");
        }
        var keys = await jwks.CurrentAsync(cancellationToken);
        if (keys is not null && token.Kid is { Length: > 0 } kid && !keys.Has(kid))
        {
            keys = await jwks.RefreshForUnknownKidAsync(keys, cancellationToken);
            if (keys is not null && !keys.Has(kid))
            {
                return JwtOutcome.Refused("unknown_kid",
                    $"The token's signing key (kid '{Shorten(kid)}') is not in the identity provider's key set at {config.JwksUrl}, fetched again to check.");
            }
        }
        if (keys is null)
        {
            return JwtOutcome.Refused("jwks_unavailable",
                $"The identity provider's signing keys could not be fetched from {config.JwksUrl}; try again shortly.", status: 503);
        }
        var result = await Handler.ValidateTokenAsync(token, Parameters(keys));
        if (!result.IsValid)
        {
            return Refusal(result.Exception, token);
        }
        return JwtCaller.From(token, config, time.GetUtcNow()) with { ValidTo = token.ValidTo };
    }

    private TokenValidationParameters Parameters(JwksCache.KeySet keys) => new()
    {
        ValidIssuer = config.Issuer,
        ValidAudiences = config.Audiences,
        IssuerSigningKeys = keys.Keys,
        ValidAlgorithms = Algorithms,
        ClockSkew = config.ClockSkew,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false, // the key came from the provider's own set
    };

    private JwtOutcome Refusal(Exception? error, JsonWebToken token) => error switch
    {
        SecurityTokenExpiredException => JwtOutcome.Refused("expired",
            $"The token expired at {token.ValidTo:yyyy-MM-dd HH:mm:ss}Z (clock skew allowed: {config.ClockSkew.TotalSeconds:0} s)."),
        SecurityTokenNotYetValidException => JwtOutcome.Refused("not_yet_valid",
            $"The token is not valid before {token.ValidFrom:yyyy-MM-dd HH:mm:ss}Z (nbf)."),
        SecurityTokenNoExpirationException => JwtOutcome.Refused("no_expiration", "The token has no expiry (exp); tokens must expire."),
        SecurityTokenInvalidLifetimeException => JwtOutcome.Refused("lifetime", "The token's lifetime is invalid (nbf after exp)."),
        SecurityTokenInvalidAudienceException => JwtOutcome.Refused("audience",
            $"The token's audience (aud) is not {string.Join(" or ", config.Audiences.Select(a => $"'{a}'"))}."),
        SecurityTokenInvalidIssuerException => JwtOutcome.Refused("issuer", $"The token's issuer (iss) is not '{config.Issuer}'."),
        SecurityTokenInvalidAlgorithmException => JwtOutcome.Refused("algorithm",
            $"The token's algorithm is not accepted; tokens must be signed with the identity provider's key ({string.Join(", ", Algorithms)})."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => JwtOutcome.Refused("signature",
            "The token's signature does not verify with the identity provider's keys."),
        _ => JwtOutcome.Refused("invalid", "The token was refused: " + (error?.GetType().Name ?? "unknown reason") + "."),
    };

    private sealed record Remembered(ApiKeyRecord Caller, DateTimeOffset Until);

    /// <summary>Header values are the client's text: cut before they go into a message.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
