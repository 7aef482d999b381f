namespace LlmFleet.Cli.Tests.Keys;

/// <summary>A fleet.yaml in a fresh folder, with <c>auth: keys</c> and a SQLite store next to it.</summary>
internal static class FleetFile
{
    public static string Write(string backend = "http://127.0.0.1:9", string servedModel = "glm-5.2")
    {
        var dir = TestPaths.NewTempDirectory("llmfleet-cli-keys");
        var path = Path.Combine(dir, "fleet.yaml");
        File.WriteAllText(path, $"""
            listen: http://127.0.0.1:0
            store: sqlite:fleet.db
            auth:
              mode: keys
              key_refresh: 200ms
            usage:
              price_per_million: {"{"} prompt: 0.5, completion: 2 {"}"}
            models:
              - name: glm-5.2
                aliases: [glm]
                backends:
                  - url: {backend}
                    served_model: {servedModel}
            """);
        return path;
    }
}
