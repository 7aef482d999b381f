namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// The <c>auth:</c>, <c>limits:</c> and <c>usage:</c> parts of <c>fleet.yaml</c>. Read at start; a reload
/// that changes them takes effect at the next start.
/// </summary>
public sealed record AccessConfig
{
    /// <summary>Default variable holding the admin key of <c>/admin/keys</c> and <c>/admin/usage</c>.</summary>
    public const string DefaultAdminKeyEnv = "LLMFLEET_ADMIN_KEY";

    /// <summary>Default variable holding the server secret of the keyed key hashes; when unset, a random secret is
    /// created once and kept in the store.</summary>
    public const string DefaultSecretEnv = "LLMFLEET_KEY_SECRET";

    /// <summary><see cref="AuthModes.None"/> (default, allowed only on loopback unless written out), <see cref="AuthModes.Keys"/>,
    /// <see cref="AuthModes.Jwt"/> or <see cref="AuthModes.KeysAndJwt"/>.</summary>
    public string Auth { get; init; } = AuthModes.None;

    /// <summary>The file said <c>auth:</c> explicitly.</summary>
    public bool AuthExplicit { get; init; }

    public string AdminKeyEnv { get; init; } = DefaultAdminKeyEnv;

    public string SecretEnv { get; init; } = DefaultSecretEnv;

    /// <summary>Null: counters in this process. <c>redis://host:port</c>: counters shared by every replica.</summary>
    public string? Limits { get; init; }

    /// <summary>What the limits do while their store cannot be reached: <see cref="LimitsConfigParser.Open"/> (default,
    /// admit and count locally) or <see cref="LimitsConfigParser.Closed"/> (answer 503).</summary>
    public string OnStoreFailure { get; init; } = LimitsConfigParser.Open;

    /// <summary>How often the key cache reloads from the store (revocations by another process take at most this long). Default 2 s.</summary>
    public TimeSpan KeyRefresh { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Internal price in currency units per million prompt tokens, for <c>usage</c> reports. Default 0.</summary>
    public decimal PricePerMillionPrompt { get; init; }

    /// <summary>Internal price per million generated tokens. Default 0.</summary>
    public decimal PricePerMillionCompletion { get; init; }

    /// <summary><c>usage.spool</c>: the file the ledger keeps rows in while its store is down. Default: beside a SQLite
    /// store, or <c>usage-spool.jsonl</c> in the fleet file's folder.</summary>
    public string? UsageSpool { get; init; }

    /// <summary><c>teams:</c>: spend budgets in dollars per team.</summary>
    public IReadOnlyDictionary<string, TeamBudget> TeamBudgets { get; init; } = NoTeamBudgets;

    /// <summary>One shared empty map, so configurations without teams compare equal.</summary>
    public static IReadOnlyDictionary<string, TeamBudget> NoTeamBudgets { get; } = new Dictionary<string, TeamBudget>();

    /// <summary>The internal price of self-hosted tokens when a model sets none: <c>usage.price_per_million</c>.</summary>
    public TokenPrices InternalPrices => new()
    {
        InputPerMillion = PricePerMillionPrompt,
        CachedInputPerMillion = PricePerMillionPrompt,
        OutputPerMillion = PricePerMillionCompletion,
    };

    /// <summary><c>admin.allow_loopback</c>: requests from this machine's own addresses may use the admin surfaces
    /// without the admin key. Default false (behind a sidecar or an ingress on the same host every caller is loopback).</summary>
    public bool AdminAllowLoopback { get; init; }

    /// <summary><c>auth.jwt</c>: set when <see cref="Auth"/> accepts JSON Web Tokens.</summary>
    public JwtConfig? Jwt { get; init; }

    /// <summary>Every request must authenticate, with a key or a token.</summary>
    public bool AuthRequired => Auth != AuthModes.None;

    /// <summary>Gateway keys are accepted (<c>keys</c> or <c>keys+jwt</c>).</summary>
    public bool AcceptsKeys => Auth is AuthModes.Keys or AuthModes.KeysAndJwt;

    /// <summary>JSON Web Tokens are accepted (<c>jwt</c> or <c>keys+jwt</c>).</summary>
    public bool AcceptsJwt => Auth is AuthModes.Jwt or AuthModes.KeysAndJwt;
}
