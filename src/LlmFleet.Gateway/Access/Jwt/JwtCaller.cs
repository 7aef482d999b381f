using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LlmFleet.Gateway.Access.Jwt;

/// <summary>
/// Turns a validated token's claims into the same <see cref="ApiKeyRecord"/> a stored key gives, so limits, dollar
/// budgets, the model list, <c>no_external</c> and the usage ledger treat both alike. Each term comes from its claim
/// (<see cref="JwtConfig.Claims"/>) when the token has it, else from <see cref="JwtConfig.Defaults"/>.
/// </summary>
internal static class JwtCaller
{
    /// <summary>The prefix of a token caller's key id in the ledger: <c>jwt:&lt;subject&gt;</c>.</summary>
    public const string IdPrefix = "jwt:";

    public static JwtOutcome From(JsonWebToken token, JwtConfig config, DateTimeOffset now)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var claims = payload.RootElement;
        var bad = new List<string>();
        JsonElement? Value(string term)
        {
            if (config.Claims.TryGetValue(term, out var claim) && claims.TryGetProperty(claim, out var value))
            {
                if (JwtTerms.Check(term, value) is { } expected)
                {
                    bad.Add($"claim '{claim}' ({term}) should be {expected}");
                    return null;
                }
                return value;
            }
            return config.Defaults.TryGetValue(term, out var fallback) ? fallback : null;
        }
        long? Whole(string term) => Value(term) is { } v && JwtTerms.TryWhole(v, out var n) ? n : null;
        decimal? Dollars(string term) => Value(term) is { } v && JwtTerms.TryDollars(v, out var d) ? d : null;

        if (Value(JwtTerms.Subject) is not { } subjectValue || !JwtTerms.TryText(subjectValue, out var subject))
        {
            return bad.Count > 0
                ? JwtOutcome.Refused("claims", $"The token's claims cannot be used: {string.Join("; ", bad)}.")
                : JwtOutcome.Refused("claims", $"The token has no '{config.Claims[JwtTerms.Subject]}' claim naming its subject.");
        }
        var caller = new ApiKeyRecord
        {
            Id = IdPrefix + subject,
            Name = subject,
            FromToken = true,
            Team = Value(JwtTerms.Team) is { } team && JwtTerms.TryText(team, out var t) ? t : null,
            Models = Value(JwtTerms.Models) is { } models && JwtTerms.TryList(models, out var list) ? list : [],
            Rpm = Whole(JwtTerms.Rpm),
            Tpm = Whole(JwtTerms.Tpm),
            Parallel = Whole(JwtTerms.Parallel),
            BudgetTokensDay = Whole(JwtTerms.BudgetDay),
            BudgetTokensMonth = Whole(JwtTerms.BudgetMonth),
            BudgetUsdDay = Dollars(JwtTerms.BudgetUsdDay),
            BudgetUsdMonth = Dollars(JwtTerms.BudgetUsdMonth),
            NoExternal = Value(JwtTerms.NoExternal) is { } flag && JwtTerms.TryFlag(flag, out var f) && f,
            CreatedAt = now,
            Hash = [],
            Last4 = "",
        };
        return bad.Count > 0
            ? JwtOutcome.Refused("claims", $"The token's claims cannot be used: {string.Join("; ", bad)}.")
            : JwtOutcome.Accepted(caller);
    }
}
