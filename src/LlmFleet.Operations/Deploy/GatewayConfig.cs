using System.Globalization;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using LlmFleet.Planning.Cost;

namespace LlmFleet.Operations.Deploy;

/// <summary>
/// The gateway's <c>fleet.yaml</c> for a deployment: one model named as the plan names it, served by the listed vLLM
/// replicas or, on Kubernetes, by whatever ready endpoints the vLLM Service has. Written through the gateway's own
/// <see cref="FleetYaml"/>, so its keys are the ones <see cref="FleetConfigLoader"/> reads.
/// </summary>
internal static class GatewayConfig
{
    /// <summary>The port the gateway listens on.</summary>
    public const int Port = 8080;

    /// <summary>Where the gateway keeps its key store (a volume, a systemd StateDirectory, a PersistentVolumeClaim).</summary>
    public const string StateDirectory = "/var/lib/llmfleet";

    public static string WithUrls(VllmServer server, IEnumerable<string> backendUrls, DeployRequest request)
    {
        var backends = new BackendsYaml { Urls = [.. backendUrls.Select(url => new BackendYaml { Url = url, ServedModel = server.Model })] };
        return Write(server, backends, request);
    }

    /// <summary>Backends discovered from the EndpointSlices of a Service (see the gateway's Discovery).</summary>
    public static string WithKubernetesService(VllmServer server, string ns, string service, DeployRequest request) =>
        Write(server, new BackendsYaml
        {
            Kubernetes = new KubernetesBackendsYaml { Namespace = ns, Service = service, Port = VllmServer.Port, ServedModel = server.Model },
        }, request);

    private static string Write(VllmServer server, BackendsYaml backends, DeployRequest request)
    {
        var perMillion = InternalPrice(request);
        var doc = new FleetYaml
        {
            Listen = $"http://0.0.0.0:{Port.ToString(CultureInfo.InvariantCulture)}",
            // Listening beyond the host: clients need API keys (issued through the gateway's admin API).
            Auth = AuthModes.Keys,
            // Keys, limits and the usage ledger; every target mounts a writable folder here.
            Store = $"sqlite:{StateDirectory}/fleet.db",
            Models =
            [
                new ModelYaml
                {
                    Name = server.ModelId,
                    Policy = BackendSelectionPolicies.LeastLoad,
                    Backends = backends,
                    Health = new HealthYaml { Path = "/health", Interval = "5s" },
                    Retries = 2,
                    // A long prompt on a busy server waits for its prefill before the first token.
                    Timeouts = new TimeoutsYaml { Connect = "2s", FirstToken = "300s", Idle = "60s" },
                    Prices = perMillion is { } usd ? new PricesYaml { InputPerMillion = usd, OutputPerMillion = usd } : null,
                },
            ],
        };
        var header = "# LLM Fleet gateway configuration (llmfleet deploy). Clients send \"model\": \"" + server.ModelId + "\".\n";
        if (perMillion is not null)
        {
            header += $"# prices: llmfleet cost's '{request.PriceOption}' option for this plan at {request.TokensPerDay!.Value.ToString("N0", CultureInfo.InvariantCulture)} tokens/day, in dollars per million tokens (the usage ledger's cost_usd).\n";
        }
        return header + doc.Serialize();
    }

    /// <summary>The pool's internal price, as a <c>prices:</c> value, when the request gives the expected use.</summary>
    /// <exception cref="DeployException">The plan cannot be priced (no goodput at its interactivity target).</exception>
    private static string? InternalPrice(DeployRequest request)
    {
        if (request.TokensPerDay is not { } tokensPerDay)
        {
            return null;
        }
        try
        {
            return PlanPricing.PerMillionTokens(request.Plan, tokensPerDay, request.PriceOption).ToString("0.####", CultureInfo.InvariantCulture);
        }
        catch (ArgumentException e)
        {
            throw new DeployException($"cannot price the pool: {e.Message}");
        }
    }
}
