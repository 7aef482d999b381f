using System.Globalization;

namespace LlmFleet.Operations.Deploy;

/// <summary>
/// The gateway's <c>fleet.yaml</c> for a deployment: one model named as the plan names it, served by the listed vLLM
/// replicas or, on Kubernetes, by whatever ready endpoints the vLLM Service has.
/// </summary>
internal static class GatewayConfig
{
    /// <summary>The port the gateway listens on.</summary>
    public const int Port = 8080;

    /// <summary>Where the gateway keeps its key store (a volume, a systemd StateDirectory, a PersistentVolumeClaim).</summary>
    public const string StateDirectory = "/var/lib/llmfleet";

    public static string WithUrls(VllmServer server, IEnumerable<string> backendUrls) =>
        Write(server, backendUrls.Select(url => (object)YamlText.Map(("url", url), ("served_model", server.Model))).ToList());

    /// <summary>Backends discovered from the EndpointSlices of a Service (see the gateway's Discovery).</summary>
    public static string WithKubernetesService(VllmServer server, string ns, string service) =>
        Write(server, YamlText.Map(("kubernetes", YamlText.Map(
            ("namespace", ns),
            ("service", service),
            ("port", VllmServer.Port),
            ("served_model", server.Model)))));

    private static string Write(VllmServer server, object backends)
    {
        var c = CultureInfo.InvariantCulture;
        var doc = YamlText.Map(
            ("listen", $"http://0.0.0.0:{Port.ToString(c)}"),
            // Listening beyond the host: clients need API keys (issued through the gateway's admin API).
            ("auth", "keys"),
            // Keys, limits and the usage ledger; every target mounts a writable folder here.
            ("store", $"sqlite:{StateDirectory}/fleet.db"),
            ("models", new List<object>
            {
                YamlText.Map(
                    ("name", server.ModelId),
                    ("policy", "least-load"),
                    ("backends", backends),
                    ("health", YamlText.Map(("path", "/health"), ("interval", "5s"))),
                    ("retries", 2),
                    // A long prompt on a busy server waits for its prefill before the first token.
                    ("timeouts", YamlText.Map(("connect", "2s"), ("first_token", "300s"), ("idle", "60s")))),
            }));
        return "# LLM Fleet gateway configuration (llmfleet deploy). Clients send \"model\": \"" + server.ModelId + "\".\n" + YamlText.Serialize(doc);
    }
}
