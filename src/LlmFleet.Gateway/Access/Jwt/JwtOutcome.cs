using LlmFleet.Gateway.Access.Keys;

namespace LlmFleet.Gateway.Access.Jwt;

/// <summary>What <see cref="JwtAuthenticator"/> made of a token: the caller, or the status, the check that failed
/// (<see cref="Reason"/>, a metric label) and a message for the client that never repeats the token.</summary>
internal readonly record struct JwtOutcome(ApiKeyRecord? Caller, int Status, string Reason, string Message)
{
    /// <summary>An accepted token's <c>exp</c> (UTC).</summary>
    public DateTime ValidTo { get; init; }

    public static JwtOutcome Accepted(ApiKeyRecord caller) => new(caller, 200, "", "");

    public static JwtOutcome Refused(string reason, string message, int status = 401) => new(null, status, reason, message);
}
