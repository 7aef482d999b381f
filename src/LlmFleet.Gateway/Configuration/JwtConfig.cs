using System.Text.Json;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// <c>auth.jwt</c>: clients may present a JSON Web Token from the company's identity provider instead of a gateway
/// key. The token must be signed by a key of <see cref="JwksUrl"/> with an asymmetric algorithm, name
/// <see cref="Issuer"/> and one of <see cref="Audiences"/>, and be within its lifetime. Its claims give what a key's
/// terms give (<see cref="JwtTerms"/>).
/// </summary>
public sealed record JwtConfig
{
    /// <summary>The <c>iss</c> every token must carry, exactly.</summary>
    public required string Issuer { get; init; }

    /// <summary>The token's <c>aud</c> must name at least one of these.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The identity provider's key set (JWKS), fetched on the first token and cached.</summary>
    public required Uri JwksUrl { get; init; }

    /// <summary>For each term of <see cref="JwtTerms"/>, the claim that carries it. Only <see cref="JwtTerms.Subject"/> has
    /// a default (<c>sub</c>); a term without a claim takes its value from <see cref="Defaults"/>.</summary>
    public IReadOnlyDictionary<string, string> Claims { get; init; } = new Dictionary<string, string> { [JwtTerms.Subject] = "sub" };

    /// <summary>Values of terms a token does not carry (validated by <see cref="JwtTerms.Check"/>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Defaults { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c> for clocks that differ. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the key set is kept before it is fetched again. Default 10 min.</summary>
    public TimeSpan JwksRefresh { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A token whose <c>kid</c> is not in the cached key set (the provider rotated its keys) makes the gateway
    /// fetch the set again, at most once per this interval, so a flood of made-up <c>kid</c>s cannot hammer the
    /// provider. Default 30 s.</summary>
    public TimeSpan UnknownKidRefresh { get; init; } = TimeSpan.FromSeconds(30);
}
