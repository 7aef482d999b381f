namespace LlmFleet.Gateway.Configuration;

/// <summary>The values of <c>auth:</c> in <c>fleet.yaml</c>.</summary>
public static class AuthModes
{
    /// <summary>No keys: anyone who reaches the gateway may use it.</summary>
    public const string None = "none";

    /// <summary>Every request needs a key created with <c>llmfleet keys create</c>.</summary>
    public const string Keys = "keys";

    /// <summary>Every request needs a JSON Web Token from the identity provider of <c>auth.jwt</c>.</summary>
    public const string Jwt = "jwt";

    /// <summary>Either: a bearer token shaped like a JWT (three base64url parts) is checked as one, anything else as a key.</summary>
    public const string KeysAndJwt = "keys+jwt";
}
