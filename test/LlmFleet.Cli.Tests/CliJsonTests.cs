using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Cli.Infrastructure;

namespace LlmFleet.Cli.Tests;

/// <summary>The <c>--json</c> documents' conventions hold for every type they can hold, not only the ones a command
/// test happens to print.</summary>
public sealed class CliJsonTests
{
    [Fact]
    public void EveryEnumInAnyDocument_IsWrittenAsASnakeCaseName()
    {
        var options = CliJson.Context.Options;
        var enums = new HashSet<Type>();
        var seen = new HashSet<Type>();
        var roots = typeof(CliJsonContext).CustomAttributes
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!);
        foreach (var root in roots)
        {
            Visit(options.GetTypeInfo(root));
        }

        Assert.NotEmpty(enums);
        foreach (var type in enums)
        {
            // A converter chosen for the enum, not the number a missing one writes: the first member by its name.
            var first = Enum.GetValues(type).GetValue(0)!;
            var written = JsonSerializer.Serialize(first, options.GetTypeInfo(type));
            Assert.Equal($"\"{JsonNamingPolicy.SnakeCaseLower.ConvertName(first.ToString()!)}\"", written);
        }

        void Visit(JsonTypeInfo info)
        {
            if (Nullable.GetUnderlyingType(info.Type) is { } inner)
            {
                Visit(options.GetTypeInfo(inner));
                return;
            }
            if (!seen.Add(info.Type))
            {
                return;
            }
            if (info.Type.IsEnum)
            {
                enums.Add(info.Type);
            }
            foreach (var next in new[] { info.ElementType, info.KeyType }.OfType<Type>().Concat(info.Properties.Select(p => p.PropertyType)))
            {
                Visit(options.GetTypeInfo(next));
            }
        }
    }
}
