using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// Kubernetes objects as multi-document YAML, written exactly as the Kubernetes client's <c>KubernetesYaml</c> writes
/// them (the tests compare the two, key order included): camelCase keys, the models' JSON names, quantities and
/// int-or-string values as scalars, strings that would read as numbers or booleans quoted, nulls left out. Its own
/// builder because <c>KubernetesYaml</c> sorts the models' properties by metadata token while it starts, which a Native
/// AOT binary cannot answer; reflection lists them in declaration order, the same order, in both builds. The AOT build
/// keeps every model type a manifest can hold, with its properties (<c>src/LlmFleet.Cli/KubernetesModels.xml</c>).
/// </summary>
internal static class ManifestYaml
{
    private static readonly Lazy<IValueSerializer> Serializer = new(Build);

    private static readonly string[] Header = ["ApiVersion", "Kind", "Metadata"];

    public static string SerializeAll(IEnumerable<object> values)
    {
        var text = new StringBuilder();
        var emitter = new Emitter(new StringWriter(text));
        emitter.Emit(new StreamStart());
        foreach (var value in values)
        {
            emitter.Emit(new DocumentStart());
            Serializer.Value.SerializeValue(emitter, value, value.GetType());
            emitter.Emit(new DocumentEnd(true));
        }
        return text.ToString();
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Writing only: YamlDotNet reads properties, it creates no generic instances; the AOT tests run deploy on the binary.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The AOT build keeps every model type a manifest can hold, with its properties (KubernetesModels.xml, checked by a test).")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The AOT build keeps every model type a manifest can hold, with its properties (KubernetesModels.xml, checked by a test).")]
    private static IValueSerializer Build()
    {
        var builder = new SerializerBuilder()
            .DisableAliases()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithTypeConverter(new IntOrStringYamlConverter())
            .WithTypeConverter(new ResourceQuantityYamlConverter())
            .WithEventEmitter(e => new StringQuotingEmitter(e))
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull);
        // The models name their JSON (and so YAML) keys with attributes: `namespace` for NamespaceProperty. An object
        // with a header (apiVersion or kind) starts with apiVersion, kind and metadata, then the rest in declaration
        // order; other types keep YamlDotNet's order.
        foreach (var type in typeof(V1Pod).Assembly.ExportedTypes.Where(t => t.Namespace == typeof(V1Pod).Namespace && t is { IsInterface: false, IsAbstract: false }))
        {
            var properties = type.GetProperties();
            var hasHeader = properties.Any(p => p.Name is "ApiVersion" or "Kind");
            var next = Header.Length;
            foreach (var property in properties)
            {
                var json = property.GetCustomAttribute<JsonPropertyNameAttribute>();
                if (json is null && !hasHeader)
                {
                    continue;
                }
                var member = new YamlMemberAttribute();
                if (hasHeader)
                {
                    var first = Array.IndexOf(Header, property.Name);
                    member.Order = first >= 0 ? first : next++;
                }
                if (json is not null)
                {
                    member.Alias = json.Name;
                    member.ApplyNamingConventions = false;
                }
                builder.WithAttributeOverride(type, property.Name, member);
            }
        }
        return builder.BuildValueSerializer();
    }
}
