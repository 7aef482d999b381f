using System.Globalization;

namespace LlmFleet.Operations.Deploy.Compose;

/// <summary>
/// <c>compose.yaml</c> for one host: one service per vLLM replica with its own GPUs (<c>device_ids</c>), the gateway
/// in front of them, and Prometheus scraping both; plus the gateway's <c>fleet.yaml</c>, <c>prometheus.yml</c> and an
/// <c>hf.env</c> to fill in.
/// </summary>
internal sealed class ComposeGenerator : IDeployGenerator
{
    public IReadOnlyList<DeployFile> Generate(VllmServer server, DeployRequest request)
    {
        var c = CultureInfo.InvariantCulture;
        var devices = HostLayout.DeviceIds(server, request.Replicas, DeployTargets.Compose);
        var services = new Dictionary<string, object?>(StringComparer.Ordinal);
        var names = new List<string>();
        for (var r = 0; r < devices.Count; r++)
        {
            var name = $"vllm-{r.ToString(c)}";
            names.Add(name);
            services[name] = YamlText.Map(
                ("image", server.Image),
                ("command", server.ImageArgs.ToList()),
                // vLLM's tensor-parallel workers share memory through /dev/shm; the host's IPC namespace gives them all of it.
                ("ipc", "host"),
                ("env_file", new List<string> { "hf.env" }),
                ("volumes", new List<string> { "${HF_CACHE:-~/.cache/huggingface}:" + VllmServer.HfCachePath }),
                ("ports", new List<string> { $"127.0.0.1:{HostLayout.HostPort(r).ToString(c)}:{VllmServer.Port.ToString(c)}" }),
                ("deploy", GpuReservation(devices[r])),
                ("healthcheck", YamlText.Map(
                    // Python is in the vLLM image; curl is not guaranteed to be.
                    ("test", new List<string> { "CMD", "python3", "-c", $"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{VllmServer.Port.ToString(c)}/health', timeout=5)" }),
                    ("interval", "30s"),
                    ("timeout", "10s"),
                    ("retries", 3),
                    ("start_period", $"{server.StartupSeconds.ToString(c)}s"))),
                ("restart", "unless-stopped"));
        }
        services["gateway"] = YamlText.Map(
            ("image", request.Image),
            // With --repo, `docker compose up` builds the image from the repository's Dockerfile first.
            ("build", request.RepositoryDirectory is { } repo ? YamlText.Map(("context", repo)) : null),
            ("command", new List<string> { "serve", "--config", "/etc/llmfleet/fleet.yaml" }),
            ("volumes", new List<string> { "./fleet.yaml:/etc/llmfleet/fleet.yaml:ro", $"gateway-data:{GatewayConfig.StateDirectory}" }),
            // LLMFLEET_ADMIN_KEY turns on the admin API (keys, usage); without it keys are made with `llmfleet keys`.
            ("env_file", new List<string> { "gateway.env" }),
            ("ports", new List<string> { $"{GatewayConfig.Port.ToString(c)}:{GatewayConfig.Port.ToString(c)}" }),
            // The gateway starts at once and routes to replicas as their /health turns 200.
            ("depends_on", names.ToList()),
            ("restart", "unless-stopped"));
        services["prometheus"] = YamlText.Map(
            ("image", DeployDefaults.PrometheusImage),
            ("volumes", new List<string> { "./prometheus.yml:/etc/prometheus/prometheus.yml:ro" }),
            ("ports", new List<string> { "127.0.0.1:9090:9090" }),
            ("restart", "unless-stopped"));
        var compose = YamlText.Map(
            ("name", $"llmfleet-{server.Slug}"),
            ("services", services),
            ("volumes", YamlText.Map(("gateway-data", new Dictionary<string, object?>()))));
        var header = $"# {request.Replicas} × {server.ModelId} ({server.Plan.Quantization}) on one {server.Plan.Hardware!.Id} host, " +
            $"{server.GpusPerReplica} GPUs each (TP {server.TensorParallelSize}, PP {server.PipelineParallelSize}, DP {server.DataParallelSize}). Written by llmfleet deploy.\n";
        return
        [
            new DeployFile("compose.yaml", header + YamlText.Serialize(compose)),
            new DeployFile("fleet.yaml", GatewayConfig.WithUrls(server, names.Select(n => $"http://{n}:{VllmServer.Port.ToString(c)}"), request)),
            new DeployFile("prometheus.yml", PrometheusConfig.Write(names.Select(n => $"{n}:{VllmServer.Port.ToString(c)}"), $"gateway:{GatewayConfig.Port.ToString(c)}")),
            new DeployFile("hf.env", "# Hugging Face token for gated or private repositories; keep this file out of version control.\nHF_TOKEN=\n"),
            new DeployFile("gateway.env", "# A long random string enables the gateway's admin API (POST /admin/keys ...); empty leaves it off.\nLLMFLEET_ADMIN_KEY=\n"),
        ];
    }

    /// <summary>Compose's GPU syntax: <c>deploy.resources.reservations.devices</c> with the NVIDIA driver and the ids.</summary>
    private static Dictionary<string, object?> GpuReservation(IReadOnlyList<int> deviceIds)
    {
        var device = YamlText.Map(
            ("driver", "nvidia"),
            ("device_ids", deviceIds.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList()),
            ("capabilities", new List<string> { "gpu" }));
        return YamlText.Map(("resources", YamlText.Map(("reservations", YamlText.Map(("devices", new List<object> { device }))))));
    }
}
