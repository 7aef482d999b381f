using System.Xml.Linq;

namespace LlmFleet.Architecture.Tests;

/// <summary>
/// Project references point only downward (docs/architecture.md): the CLI may use every room; hosts and rooms use
/// only the rooms below them. A new project fails here until its allowed references are written down.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>What each project under <c>src/</c> may reference.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["LlmFleet.Catalog"] = [],
        ["LlmFleet.Vllm"] = [],
        ["LlmFleet.Planning"] = ["LlmFleet.Catalog"],
        // The fleet monitor knows vLLM's metrics, nothing of the gateway that feeds it.
        ["LlmFleet.Monitoring"] = ["LlmFleet.Vllm"],
        ["LlmFleet.Simulation"] = ["LlmFleet.Vllm", "LlmFleet.Planning", "LlmFleet.Catalog"],
        // deploy writes the gateway's fleet.yaml through the gateway's own file shape (one schema, read and written).
        ["LlmFleet.Operations"] = ["LlmFleet.Vllm", "LlmFleet.Planning", "LlmFleet.Catalog", "LlmFleet.Gateway"],
        ["LlmFleet.Gateway"] = ["LlmFleet.Vllm", "LlmFleet.Monitoring"],
        ["LlmFleet.Cli"] = ["LlmFleet.Catalog", "LlmFleet.Vllm", "LlmFleet.Planning", "LlmFleet.Monitoring", "LlmFleet.Simulation",
            "LlmFleet.Gateway", "LlmFleet.Operations"],
    };

    private static Dictionary<string, string[]> References() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .ToDictionary(
                p => Path.GetFileNameWithoutExtension(p),
                p => XDocument.Load(p).Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                    .ToArray());

    [Fact]
    public void ProjectReferences_EveryProject_PointOnlyWhereAllowed()
    {
        var references = References();
        Assert.Contains("LlmFleet.Gateway", references.Keys);
        var wrong = new List<string>();
        foreach (var (project, refs) in references)
        {
            if (!Allowed.TryGetValue(project, out var allowed))
            {
                wrong.Add($"{project} is not listed: write down what it may reference in {nameof(ProjectReferenceTests)}.{nameof(Allowed)}");
                continue;
            }
            wrong.AddRange(refs.Where(r => !allowed.Contains(r)).Select(r => $"{project} → {r} points the wrong way"));
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void ProjectReferences_Allowed_HaveNoCycle()
    {
        // The allowed graph itself must be layered, or a reference that matches it could still close a loop.
        var order = new List<string>();
        var state = new Dictionary<string, int>();
        void Visit(string p, Stack<string> path)
        {
            if (state.GetValueOrDefault(p) == 2)
            {
                return;
            }
            Assert.False(state.GetValueOrDefault(p) == 1, "cycle: " + string.Join(" → ", path.Reverse().Append(p)));
            state[p] = 1;
            path.Push(p);
            foreach (var r in Allowed.GetValueOrDefault(p, []))
            {
                Visit(r, path);
            }
            path.Pop();
            state[p] = 2;
            order.Add(p);
        }
        foreach (var p in Allowed.Keys)
        {
            Visit(p, new Stack<string>());
        }
        Assert.Equal(Allowed.Count, order.Count);
    }

    [Fact]
    public void Monitoring_References_NeverTheGatewayCliOrSimulation()
    {
        var refs = References()["LlmFleet.Monitoring"];
        Assert.DoesNotContain("LlmFleet.Gateway", refs);
        Assert.DoesNotContain("LlmFleet.Cli", refs);
        Assert.DoesNotContain("LlmFleet.Simulation", refs);
    }
}
