using System.Text.RegularExpressions;

namespace LlmFleet.Architecture.Tests;

/// <summary>
/// The gateway's folders (one namespace each, <c>LlmFleet.Gateway.&lt;Folder&gt;</c> with its sub-folders) import each
/// other without loops, so each can be read, tested and moved with what lies below it. A file's folder depends on
/// another through <c>using LlmFleet.Gateway.X</c>, a fully qualified <c>LlmFleet.Gateway.X.</c>, or a name
/// qualified by a sibling folder (<c>X.Type</c>, which C# resolves through the enclosing namespace).
/// </summary>
public sealed partial class GatewayFolderTests
{
    private const string Root = "LlmFleet.Gateway";

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using\s+(?:static\s+)?LlmFleet\.Gateway\.(\w+)[\w.]*\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"^\s*(?:using|namespace)\s.*$", RegexOptions.Multiline)]
    private static partial Regex Directive();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?LlmFleet\.Gateway\.(\w+)\.")]
    private static partial Regex FullyQualified();

    /// <summary>Folder → folders it depends on, each edge with the files that make it.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> Graph()
    {
        var source = Path.Combine(TestPaths.RepoRoot, "src", Root);
        var files = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path: Path.GetRelativePath(source, f), Text: File.ReadAllText(f)))
            .ToArray();
        var folders = files.Select(f => FolderOf(f.Text)).Where(f => f is not null).Select(f => f!).ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new Dictionary<string, List<string>>());
        foreach (var (path, text) in files)
        {
            if (FolderOf(text) is not { } from)
            {
                continue;
            }
            var code = Directive().Replace(text, "");
            var targets = UsingLine().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(FullyQualified().Matches(code).Select(m => m.Groups[1].Value))
                .Concat(folders.Where(f => f != from && Regex.IsMatch(code, $@"(?<![\w.""]){f}\.[A-Z]")));
            foreach (var to in targets.Where(t => t != from && folders.Contains(t)).Distinct())
            {
                if (!graph[from].TryGetValue(to, out var why))
                {
                    graph[from][to] = why = [];
                }
                why.Add(path);
            }
        }
        return graph;
    }

    /// <summary>The top folder under the gateway a file's namespace names; null for the root namespace.</summary>
    private static string? FolderOf(string text)
    {
        var ns = NamespaceLine().Match(text).Groups[1].Value;
        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;
    }

    [Fact]
    public void Folders_Imports_HaveNoCycle()
    {
        var graph = Graph();
        Assert.Contains("Routing", graph.Keys);
        Assert.Contains("Pipeline", graph.Keys);
        var cycles = new List<string>();
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        void Visit(string folder)
        {
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in graph[folder].Keys.Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var loop = path.Skip(path.IndexOf(next)).Append(next).ToArray();
                    cycles.Add(string.Join(" → ", loop) + "  (" + string.Join("; ", loop.Zip(loop.Skip(1))
                        .Select(e => $"{e.First}→{e.Second}: {string.Join(", ", graph[e.First][e.Second])}")) + ")");
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }
            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
        }
        foreach (var folder in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(folder) == 0)
            {
                Visit(folder);
            }
        }
        Assert.True(cycles.Count == 0, "folders of the gateway import each other in a loop:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Pipeline_ExtensionSeams_LiveTogether()
    {
        // Request filters, usage observers and backend observers: the gateway's seams, read as one pipeline.
        var pipeline = Path.Combine(TestPaths.RepoRoot, "src", Root, "Pipeline");
        foreach (var seam in new[] { "IGatewayRequestFilter", "IUsageObserver", "IBackendObserver" })
        {
            Assert.True(File.Exists(Path.Combine(pipeline, seam + ".cs")), $"{seam} belongs in src/{Root}/Pipeline/");
        }
    }
}
