using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmFleet.Gateway.Access.Keys;

/// <summary>
/// Every key of the store in memory, by hash: the request path hashes the presented key, looks the first 16 bytes of
/// the hash up in a frozen dictionary and confirms all 32 with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// No database on the request path; the snapshot is swapped whole by <see cref="Hosting.AccessStartup"/>.
/// </summary>
public sealed class KeyCache
{
    private volatile FrozenDictionary<UInt128, ApiKeyRecord> _byHash = FrozenDictionary<UInt128, ApiKeyRecord>.Empty;
    private volatile KeyHasher? _hasher;

    public int Count => _byHash.Count;

    /// <summary>Null until the store's secret has been read at start-up.</summary>
    public KeyHasher? Hasher { get => _hasher; set => _hasher = value; }

    public void Replace(IEnumerable<ApiKeyRecord> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var map = new Dictionary<UInt128, ApiKeyRecord>();
        foreach (var key in keys)
        {
            if (key.Hash.Length == KeyHasher.HashBytes)
            {
                map[Prefix(key.Hash)] = key;
            }
        }
        _byHash = map.ToFrozenDictionary();
    }

    /// <summary>Finds the key presented by a client; revoked and expired keys are found too (the caller says why they fail).</summary>
    public bool TryFind(ReadOnlySpan<char> presented, out ApiKeyRecord key)
    {
        key = null!;
        if (_hasher is not { } hasher || presented.Length is 0 or > KeyHasher.MaxKeyChars)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[KeyHasher.HashBytes];
        hasher.Hash(presented, hash);
        if (_byHash.TryGetValue(Prefix(hash), out var found) && CryptographicOperations.FixedTimeEquals(found.Hash, hash))
        {
            key = found;
            return true;
        }
        return false;
    }

    private static UInt128 Prefix(ReadOnlySpan<byte> hash) => MemoryMarshal.Read<UInt128>(hash);
}
