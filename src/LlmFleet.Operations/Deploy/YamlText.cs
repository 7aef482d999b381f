using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Serialization;

namespace LlmFleet.Operations.Deploy;

/// <summary>YAML for the files that are not Kubernetes objects (compose, fleet.yaml, prometheus.yml, Helm values):
/// built from ordered dictionaries and lists so keys come out in the order a reader expects.</summary>
internal static class YamlText
{
    private static readonly ISerializer Serializer = Build();

    public static string Serialize(object value) => Serializer.Serialize(value);

    // Reflection only reads what these dictionaries, lists and scalars hold; it creates no generic instance, so the
    // Native AOT binary writes the same text (its deploy tests run on the binary).
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Writing dictionaries, lists and scalars only.")]
    private static ISerializer Build() => new SerializerBuilder()
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .DisableAliases()
        // "2" and "0" must stay strings: compose wants command words and device ids as strings.
        .WithQuotingNecessaryStrings()
        .Build();

    /// <summary>An ordered mapping; null values are left out.</summary>
    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map[key] = value;
            }
        }
        return map;
    }
}
