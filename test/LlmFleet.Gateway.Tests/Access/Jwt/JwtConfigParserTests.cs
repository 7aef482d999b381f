using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Access.Jwt;

/// <summary><c>auth: { mode: jwt|keys+jwt, jwt: {…} }</c> in fleet.yaml, through the real loader.</summary>
public sealed class JwtConfigParserTests
{
    private const string Models = """

        models:
          - name: glm-5.2
            backends:
              - url: http://10.0.0.11:8000
        """;

    private const string Jwt = "jwt: { issuer: https://idp.example.com/realms/acme, audience: llm-fleet, jwks_url: https://idp.example.com/certs";

    [Fact]
    public void Parse_JwtMapping_IsReadWithItsDefaults()
    {
        var config = FleetConfigLoader.Parse("""
            listen: http://0.0.0.0:8080
            auth:
              mode: keys+jwt
              jwt:
                issuer: https://login.example.com/tenant/v2.0
                audience: [api://llm-fleet, llm-fleet]
                jwks_url: https://login.example.com/tenant/discovery/v2.0/keys
                claims: { subject: oid, team: groups_team, models: llm_models, rpm: llm_rpm }
                defaults: { rpm: 60, models: [glm-5.2], budget_usd_day: 2.5, no_external: true }
                clock_skew: 10s
                jwks_refresh: 5m
                unknown_kid_refresh: 1m
            """ + Models);
        var access = config.Access;
        Assert.True(access.AcceptsKeys);
        Assert.True(access.AcceptsJwt);
        var jwt = access.Jwt!;
        Assert.Equal("https://login.example.com/tenant/v2.0", jwt.Issuer);
        Assert.Equal(["api://llm-fleet", "llm-fleet"], jwt.Audiences);
        Assert.Equal(new Uri("https://login.example.com/tenant/discovery/v2.0/keys"), jwt.JwksUrl);
        Assert.Equal("oid", jwt.Claims[JwtTerms.Subject]);
        Assert.Equal("llm_models", jwt.Claims[JwtTerms.Models]);
        Assert.True(JwtTerms.TryWhole(jwt.Defaults[JwtTerms.Rpm], out var rpm) && rpm == 60);
        Assert.True(JwtTerms.TryList(jwt.Defaults[JwtTerms.Models], out var models) && models.SequenceEqual(["glm-5.2"]));
        Assert.True(JwtTerms.TryDollars(jwt.Defaults[JwtTerms.BudgetUsdDay], out var usd) && usd == 2.5m);
        Assert.Equal(TimeSpan.FromSeconds(10), jwt.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(5), jwt.JwksRefresh);
        Assert.Equal(TimeSpan.FromMinutes(1), jwt.UnknownKidRefresh);
    }

    [Fact]
    public void Parse_JwtAlone_TakesOnlyTokens_WithSubFromSub()
    {
        var access = FleetConfigLoader.Parse($"auth:\n  mode: jwt\n  {Jwt} }}" + Models).Access;
        Assert.False(access.AcceptsKeys);
        Assert.True(access.AcceptsJwt);
        Assert.Equal("sub", access.Jwt!.Claims[JwtTerms.Subject]);
        Assert.Equal(TimeSpan.FromSeconds(30), access.Jwt.ClockSkew);
    }

    [Theory]
    [InlineData("auth: jwt", "needs `jwt:")]
    [InlineData("auth: { mode: jwt }", "needs `jwt:")]
    [InlineData("auth: { mode: keys, " + Jwt + " } }", "does not accept tokens")]
    [InlineData("auth: { mode: jwt, " + Jwt + ", colour: blue } }", "auth.jwt.colour: unknown entry")]
    [InlineData("auth: { mode: jwt, jwt: { issuer: https://idp.example.com, audience: x } }", "issuer, audience and jwks_url are required")]
    [InlineData("auth: { mode: jwt, " + Jwt + ", claims: { shoe_size: size } } }", "auth.jwt.claims.shoe_size: unknown entry")]
    [InlineData("auth: { mode: jwt, " + Jwt + ", defaults: { rpm: lots } } }", "auth.jwt.defaults.rpm: expected a whole number")]
    [InlineData("auth: { mode: jwt, " + Jwt + ", defaults: { subject: bob } } }", "auth.jwt.defaults.subject")]
    [InlineData("auth: { mode: jwt, jwt: { issuer: https://i, audience: a, jwks_url: ftp://i/keys } }", "auth.jwt.jwks_url")]
    [InlineData("auth: { mode: jwt, " + Jwt + ", jwks_refresh: 0s } }", "auth.jwt.jwks_refresh")]
    [InlineData("auth: { mode: maybe }", "`keys`, `jwt`, `keys+jwt` or `none`")]
    public void Parse_BadJwtConfig_IsAnErrorNamingTheEntry(string auth, string expected)
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(auth + Models));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
