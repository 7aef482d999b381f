using System.Collections;

namespace LlmFleet.Gateway.Observability;

/// <summary>The logging scope of one request: every line logged while it runs carries <c>RequestId</c> (a property
/// in JSON logs, <c>=&gt; RequestId:…</c> in text ones).</summary>
internal sealed class RequestIdScope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("RequestId", id) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "RequestId:" + id;
}
