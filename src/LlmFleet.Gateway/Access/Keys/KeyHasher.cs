using System.Security.Cryptography;
using System.Text;

namespace LlmFleet.Gateway.Access.Keys;

/// <summary>
/// Keyed hash of API keys: HMAC-SHA-256 with a server secret, so a copy of the store alone lets nobody test guesses.
/// Allocation-free for the request path.
/// </summary>
public sealed class KeyHasher
{
    public const int HashBytes = 32;

    /// <summary>Longest presented key hashed; longer ones cannot be ours and are refused without hashing.</summary>
    public const int MaxKeyChars = 256;

    private readonly byte[] _secret;

    /// <summary>One keyed HMAC per thread, reset after each use: keying HMAC anew for every request costs more than the hash.</summary>
    private readonly ThreadLocal<IncrementalHash> _hmac;

    public KeyHasher(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < 16)
        {
            throw new ArgumentException("the key secret must be at least 16 bytes", nameof(secret));
        }
        _secret = secret;
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret));
    }

    /// <summary>Writes the hash of <paramref name="key"/> to <paramref name="hash"/> (32 bytes).</summary>
    public void Hash(ReadOnlySpan<char> key, Span<byte> hash)
    {
        Span<byte> utf8 = stackalloc byte[MaxKeyChars * 3];
        var n = Encoding.UTF8.GetBytes(key[..Math.Min(key.Length, MaxKeyChars)], utf8);
        var hmac = _hmac.Value!;
        hmac.AppendData(utf8[..n]);
        hmac.GetHashAndReset(hash);
    }

    public byte[] Hash(string key)
    {
        var hash = new byte[HashBytes];
        Hash(key.AsSpan(), hash);
        return hash;
    }

    /// <summary>The secret from an environment variable's text: base64 when it decodes to 16+ bytes, else its UTF-8 bytes.</summary>
    public static byte[] SecretFromText(string text)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var n) && n >= 16)
        {
            return buffer[..n];
        }
        return Encoding.UTF8.GetBytes(text);
    }
}
