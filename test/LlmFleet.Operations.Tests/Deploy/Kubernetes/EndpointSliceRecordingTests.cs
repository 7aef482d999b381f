using System.Text.Json;

namespace LlmFleet.Operations.Tests.Deploy.Kubernetes;

/// <summary>The EndpointSlice responses the gateway's discovery tests replay are well-formed API objects.</summary>
public sealed class EndpointSliceRecordingTests
{
    [Theory]
    [InlineData("list-1.json")]
    [InlineData("list-2.json")]
    public void Recording_List_ValidatesAsAnEndpointSliceList(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Asset("kubernetes", "endpointslices", name)));
        KubernetesSchemas.AssertValid("endpointslicelist-discovery-v1", doc.RootElement);
    }

    [Theory]
    [InlineData("watch-1.jsonl")]
    [InlineData("watch-2.jsonl")]
    public void Recording_WatchEvents_AreEndpointSlicesInAList(string name)
    {
        foreach (var line in File.ReadAllLines(TestPaths.Asset("kubernetes", "endpointslices", name)).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("type").GetString();
            var obj = doc.RootElement.GetProperty("object");
            Assert.Contains(type, new[] { "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR" });
            if (type is "ADDED" or "MODIFIED" or "DELETED")
            {
                // A watch event's object is one item of the list: validate it as a one-item list.
                var list = $$"""{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSliceList","metadata":{},"items":[{{obj.GetRawText()}}]}""";
                using var wrapped = JsonDocument.Parse(list);
                KubernetesSchemas.AssertValid("endpointslicelist-discovery-v1", wrapped.RootElement);
            }
        }
    }
}
