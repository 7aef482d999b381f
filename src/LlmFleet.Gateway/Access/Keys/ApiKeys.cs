using System.Buffers.Text;
using System.Security.Cryptography;

namespace LlmFleet.Gateway.Access.Keys;

/// <summary>The key format: <c>sk-fleet-</c> and 256 random bits in unpadded base64url (43 characters).</summary>
public static class ApiKeys
{
    public const string Prefix = "sk-fleet-";

    /// <summary>Length of a key: the prefix and 43 base64url characters.</summary>
    public const int Length = 9 + 43;

    /// <summary>A new key from the operating system's cryptographic random source.</summary>
    public static string Generate()
    {
        Span<byte> bits = stackalloc byte[32];
        RandomNumberGenerator.Fill(bits);
        return Prefix + Base64Url.EncodeToString(bits);
    }

    /// <summary>A new key id, <c>key_</c> and 16 hex digits; not secret.</summary>
    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>How a key may appear in logs, metrics and listings: <c>sk-fleet-…a1b2</c>.</summary>
    public static string Mask(ReadOnlySpan<char> key) =>
        key.Length < 8 ? Prefix + "…" : Prefix + "…" + key[^4..].ToString();

    public static string Last4(string key) => key[^4..];
}
