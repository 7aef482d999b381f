using System.Globalization;
using System.Text;

namespace LlmFleet.Operations.Deploy.Systemd;

/// <summary>
/// systemd units for one host: a <c>vllm@.service</c> template (instance i = replica i, its GPUs and port in
/// <c>vllm-i.env</c>) that runs the pinned vLLM image with Docker and counts as started only once <c>/health</c>
/// answers, and <c>llmfleet-gateway.service</c>; plus <c>fleet.yaml</c>, <c>prometheus.yml</c> and <c>hf.env</c>.
/// </summary>
internal sealed class SystemdGenerator : IDeployGenerator
{
    /// <summary>Where the units expect their configuration files.</summary>
    public const string ConfigDirectory = "/etc/llmfleet";

    public IReadOnlyList<DeployFile> Generate(VllmServer server, DeployRequest request)
    {
        var c = CultureInfo.InvariantCulture;
        var devices = HostLayout.DeviceIds(server, request.Replicas, DeployTargets.Systemd);
        var files = new List<DeployFile> { new("vllm@.service", VllmUnit(server)) };
        for (var r = 0; r < devices.Count; r++)
        {
            files.Add(new DeployFile($"vllm-{r.ToString(c)}.env",
                $"# Replica {r.ToString(c)}: GPUs {HostLayout.Ids(devices[r])}, port {HostLayout.HostPort(r).ToString(c)}.\n" +
                // Docker's --gpus takes a CSV list, so the device list itself must be quoted inside the value.
                $"DOCKER_GPUS='\"device={HostLayout.Ids(devices[r])}\"'\nPORT={HostLayout.HostPort(r).ToString(c)}\n"));
        }
        var urls = Enumerable.Range(0, devices.Count).Select(r => $"http://127.0.0.1:{HostLayout.HostPort(r).ToString(c)}").ToList();
        files.Add(new DeployFile("llmfleet-gateway.service", GatewayUnit()));
        files.Add(new DeployFile("fleet.yaml", GatewayConfig.WithUrls(server, urls, request)));
        files.Add(new DeployFile("prometheus.yml", PrometheusConfig.Write(urls.Select(u => u["http://".Length..]), $"127.0.0.1:{GatewayConfig.Port.ToString(c)}")));
        files.Add(new DeployFile("gateway.env", "# A long random string enables the gateway's admin API (POST /admin/keys ...); install as /etc/llmfleet/gateway.env, mode 600.\nLLMFLEET_ADMIN_KEY=\n"));
        files.Add(new DeployFile("hf.env", "# Hugging Face token for gated or private repositories; install as /etc/llmfleet/hf.env, mode 600.\nHF_TOKEN=\n"));
        return files;
    }

    private static string VllmUnit(VllmServer server)
    {
        var c = CultureInfo.InvariantCulture;
        List<string> run =
        [
            "/usr/bin/docker", "run", "--rm", "--name", "vllm-%i", "--gpus", "${DOCKER_GPUS}",
            // Tensor-parallel workers share memory through /dev/shm; the host's IPC namespace gives them all of it.
            "--ipc=host", "-p", "127.0.0.1:${PORT}:" + VllmServer.Port.ToString(c),
            "-v", "/var/cache/huggingface:" + VllmServer.HfCachePath, "--env-file", $"{ConfigDirectory}/hf.env",
            server.Image, .. server.ImageArgs.Select(EscapeSpecifiers),
        ];
        var s = new StringBuilder();
        s.AppendLine("# vLLM replica %i of " + server.ModelId + " (llmfleet deploy). Enable one instance per replica: systemctl enable --now vllm@0 vllm@1 ...");
        s.AppendLine("[Unit]");
        s.AppendLine($"Description=vLLM {server.ModelId} replica %i");
        s.AppendLine("After=docker.service network-online.target");
        s.AppendLine("Requires=docker.service");
        s.AppendLine("Wants=network-online.target");
        s.AppendLine();
        s.AppendLine("[Service]");
        s.AppendLine($"EnvironmentFile={ConfigDirectory}/vllm-%i.env");
        s.AppendLine($"# Loading (on first start, downloading) the weights: the unit stays 'activating' until /health answers.");
        s.AppendLine($"TimeoutStartSec={server.StartupSeconds.ToString(c)}");
        s.AppendLine("ExecStartPre=-/usr/bin/docker rm -f vllm-%i");
        s.AppendLine("ExecStart=" + string.Join(" ", run.Select(SystemdQuote)));
        s.AppendLine($"ExecStartPost=/bin/sh -c 'until curl -fsS -o /dev/null http://127.0.0.1:${{PORT}}/health; do sleep 10; done'");
        s.AppendLine("ExecStop=/usr/bin/docker stop -t 60 vllm-%i");
        s.AppendLine("Restart=on-failure");
        s.AppendLine("RestartSec=30");
        s.AppendLine();
        s.AppendLine("[Install]");
        s.AppendLine("WantedBy=multi-user.target");
        return s.ToString();
    }

    private static string GatewayUnit()
    {
        var s = new StringBuilder();
        s.AppendLine("# LLM Fleet gateway in front of the vLLM replicas (llmfleet deploy).");
        s.AppendLine("[Unit]");
        s.AppendLine("Description=LLM Fleet gateway");
        s.AppendLine("After=network-online.target");
        s.AppendLine("Wants=network-online.target");
        s.AppendLine();
        s.AppendLine("[Service]");
        s.AppendLine($"ExecStart=/usr/local/bin/llmfleet serve --config {ConfigDirectory}/fleet.yaml");
        // No ExecReload: the gateway reloads fleet.yaml by itself when the file changes.
        s.AppendLine("Restart=always");
        s.AppendLine("RestartSec=5");
        s.AppendLine("DynamicUser=yes");
        s.AppendLine("# The key store (fleet.yaml's store: sqlite:/var/lib/llmfleet/fleet.db).");
        s.AppendLine("StateDirectory=llmfleet");
        s.AppendLine($"EnvironmentFile=-{ConfigDirectory}/gateway.env");
        s.AppendLine();
        s.AppendLine("[Install]");
        s.AppendLine("WantedBy=multi-user.target");
        return s.ToString();
    }

    /// <summary>The plan's own words must reach vLLM as written: systemd would expand % specifiers and $ variables.</summary>
    private static string EscapeSpecifiers(string word) =>
        word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>systemd splits ExecStart on spaces and honours double quotes; a word with a space or quote is quoted.</summary>
    private static string SystemdQuote(string word) =>
        word.Length > 0 && !word.Any(ch => char.IsWhiteSpace(ch) || ch is '"' or '\'' or '\\' or ';')
            ? word
            : "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
