using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// Reads a sequence where the shape says only <c>object</c> (<c>auth.jwt.audience: [a, b]</c>) as a
/// <c>List&lt;object&gt;</c>, as YamlDotNet's reflecting reader does; its generated reader knows no list it was not told
/// of, and a list cannot be registered with it (its generator fails on indexers).
/// </summary>
internal sealed class UntypedSequenceDeserializer : INodeDeserializer
{
    // The reader's type resolver has already turned `object` into the list type it would make for a sequence.
    private static readonly Type[] Untyped = [typeof(object), typeof(List<object>), typeof(IList<object>)];

    public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer, out object? value,
        ObjectDeserializer rootDeserializer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(nestedObjectDeserializer);
        value = null;
        if (!Untyped.Contains(expectedType) || !reader.TryConsume<SequenceStart>(out _))
        {
            return false;
        }
        var items = new List<object?>();
        while (!reader.TryConsume<SequenceEnd>(out _))
        {
            items.Add(nestedObjectDeserializer(reader, typeof(object)));
        }
        value = items;
        return true;
    }
}
