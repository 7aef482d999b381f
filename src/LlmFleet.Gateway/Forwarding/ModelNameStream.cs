using System.Buffers;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// Puts the model name the client asked for back into a response whose request went out under the backend's own name
/// (<c>served_model</c>, a provider's name for the model): every <c>"model": "…"</c> member of the JSON body or of
/// each server-sent event gets <paramref name="askedJson"/> as its value, so clients and SDKs that compare or log the
/// response's <c>model</c> see one name whichever pool answered. Member names are found outside strings only: a quote
/// preceded by a backslash is inside a string. A match cut by a read boundary is carried over to the next read.
/// </summary>
/// <param name="askedJson">The client's <c>model</c> value as it was in the request: a JSON string, quotes included.</param>
internal sealed class ModelNameStream(Stream inner, byte[] askedJson) : ReadOnlyBodyStream(inner)
{
    /// <summary>A value longer than this is left as it is rather than held in memory.</summary>
    private const int MaxValueBytes = 1024;

    private static ReadOnlySpan<byte> Key => ResponseModel.Key;

    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private byte[] _pending = new byte[8192];
    private int _pendingLength;
    private int _outRead;
    private byte _lastEmitted;
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outRead == _out.WrittenCount && !_ended)
        {
            _out.ResetWrittenCount();
            _outRead = 0;
            if (_pending.Length - _pendingLength < 4096)
            {
                Array.Resize(ref _pending, _pending.Length * 2);
            }
            var read = await Inner.ReadAsync(_pending.AsMemory(_pendingLength), cancellationToken);
            if (read == 0)
            {
                _ended = true;
                Emit(_pending.AsSpan(0, _pendingLength));
                _pendingLength = 0;
                break;
            }
            _pendingLength += read;
            var kept = Rewrite(_pending.AsSpan(0, _pendingLength));
            _pending.AsSpan(_pendingLength - kept, kept).CopyTo(_pending);
            _pendingLength = kept;
        }
        var n = Math.Min(buffer.Length, _out.WrittenCount - _outRead);
        _out.WrittenSpan.Slice(_outRead, n).CopyTo(buffer.Span);
        _outRead += n;
        return n;
    }

    /// <summary>Emits <paramref name="data"/> with the model values replaced; returns how many bytes at its end are
    /// kept back because a match may continue in the next read.</summary>
    private int Rewrite(ReadOnlySpan<byte> data)
    {
        var from = 0;
        while (true)
        {
            var at = data[from..].IndexOf(Key);
            if (at < 0)
            {
                var keep = CutKeyLength(data[from..]);
                Emit(data[from..^keep]);
                return keep;
            }
            at += from;
            var escaped = (at > 0 ? data[at - 1] : _lastEmitted) == '\\';
            var valueStart = 0;
            var valueEnd = 0;
            var value = escaped ? ModelValue.None : ResponseModel.FindValue(data, at + Key.Length, MaxValueBytes, out valueStart, out valueEnd);
            switch (value)
            {
                case ModelValue.Incomplete:
                    Emit(data[from..at]);
                    return data.Length - at;
                case ModelValue.Found:
                    Emit(data[from..valueStart]);
                    Emit(askedJson);
                    from = valueEnd;
                    break;
                default:
                    Emit(data[from..(at + Key.Length)]);
                    from = at + Key.Length;
                    break;
            }
        }
    }

    /// <summary>How many bytes at the end of <paramref name="data"/> could be the start of a key cut by the read
    /// (none at the end of a whole event or document, so nothing of a stream is delayed).</summary>
    private static int CutKeyLength(ReadOnlySpan<byte> data)
    {
        for (var k = Math.Min(data.Length, Key.Length - 1); k > 0; k--)
        {
            if (data.EndsWith(Key[..k]))
            {
                return k;
            }
        }
        return 0;
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0)
        {
            _out.Write(bytes);
            _lastEmitted = bytes[^1];
        }
    }
}
