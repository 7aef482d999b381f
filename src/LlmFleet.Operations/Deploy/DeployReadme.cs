using System.Globalization;
using System.Text;

namespace LlmFleet.Operations.Deploy;

/// <summary>The README written beside the artefacts: what was planned, what each file is, and the commands to apply them.</summary>
internal static class DeployReadme
{
    public static string Write(VllmServer server, DeployRequest request, IReadOnlyList<DeployFile> files)
    {
        var c = CultureInfo.InvariantCulture;
        var p = server.Plan;
        var s = new StringBuilder();
        s.AppendLine($"# {server.ModelId} ({p.Quantization}) — {Target(request.Target)}");
        s.AppendLine();
        s.AppendLine($"Written by `llmfleet deploy` from the plan: {request.Replicas.ToString(c)} replica(s), each {server.GpusPerReplica.ToString(c)} × {p.Hardware!.Name} " +
            $"over {server.Nodes.ToString(c)} node(s), tensor parallel {server.TensorParallelSize.ToString(c)}, pipeline parallel {server.PipelineParallelSize.ToString(c)}, " +
            $"data parallel {server.DataParallelSize.ToString(c)}; context {p.ContextTokens.ToString("N0", c)} tokens; KV cache {p.KvCacheTokens.ToString("N0", c)} tokens per replica.");
        s.AppendLine();
        s.AppendLine($"- vLLM image `{server.Image}` serving `{server.Model}`; the plan's command:");
        s.AppendLine();
        s.AppendLine("  ```");
        s.AppendLine("  " + p.Command);
        s.AppendLine("  ```");
        s.AppendLine($"- Start-up allowance {(server.StartupSeconds / 60).ToString(c)} minutes before a server counts as failed (loading, or on first start downloading, {(p.WeightsBytes / 1e9).ToString("N0", c)} GB of weights).");
        s.AppendLine($"- Clients call the gateway on port {GatewayConfig.Port.ToString(c)} with `\"model\": \"{server.ModelId}\"`.");
        s.AppendLine();
        s.AppendLine("## Files");
        s.AppendLine();
        foreach (var f in files)
        {
            s.AppendLine($"- `{f.Path}`");
        }
        s.AppendLine();
        s.AppendLine("## Apply");
        s.AppendLine();
        s.AppendLine("```bash");
        switch (request.Target)
        {
            case DeployTarget.Compose:
                s.AppendLine("# Needs Docker with the NVIDIA container toolkit. Put your Hugging Face token in hf.env first.");
                if (request.RepositoryDirectory is null)
                {
                    ImageSteps(s, request, push: false);
                }
                else
                {
                    s.AppendLine($"docker compose build gateway   # the gateway image {request.Image}, from {request.RepositoryDirectory}");
                }
                s.AppendLine("docker compose up -d");
                s.AppendLine("docker compose ps   # vLLM replicas turn healthy once the weights are loaded");
                s.AppendLine("# The gateway requires API keys: make one (shown once) and send it as Authorization: Bearer <key>.");
                s.AppendLine("docker compose run --rm gateway keys create --config /etc/llmfleet/fleet.yaml --name my-team");
                break;
            case DeployTarget.Systemd:
                s.AppendLine("sudo install -d /etc/llmfleet /var/cache/huggingface");
                s.AppendLine("sudo install -m 600 hf.env gateway.env /etc/llmfleet/   # fill in HF_TOKEN (and LLMFLEET_ADMIN_KEY) first");
                s.AppendLine("sudo install -m 644 vllm-*.env fleet.yaml /etc/llmfleet/");
                s.AppendLine("sudo install -m 644 vllm@.service llmfleet-gateway.service /etc/systemd/system/");
                s.AppendLine("sudo systemctl daemon-reload");
                s.AppendLine("sudo systemctl enable --now " + string.Join(" ", Enumerable.Range(0, request.Replicas).Select(r => $"vllm@{r.ToString(c)}")) + " llmfleet-gateway");
                s.AppendLine("sudo llmfleet keys create --config /etc/llmfleet/fleet.yaml --name my-team   # an API key, shown once");
                s.AppendLine("sudo systemctl restart llmfleet-gateway   # hands the key store back to the service's user");
                s.AppendLine("# prometheus.yml: add its scrape_configs to your Prometheus.");
                break;
            case DeployTarget.Kubernetes:
                s.AppendLine("# Needs the NVIDIA device plugin" + (server.Nodes > 1 ? ", LeaderWorkerSet (kubernetes-sigs/lws)" : "") + ", KEDA and the Prometheus Operator.");
                ImageSteps(s, request, push: true);
                s.AppendLine($"kubectl -n {request.Namespace} create secret generic hf-token --from-literal=HF_TOKEN=<your token>");
                s.AppendLine($"kubectl -n {request.Namespace} create secret generic {Kubernetes.GatewayObjects.AdminSecret} --from-literal=LLMFLEET_ADMIN_KEY=$(openssl rand -hex 32)");
                s.AppendLine("kubectl apply -f vllm.yaml -f gateway.yaml");
                s.AppendLine("# An API key (shown once), through the admin API:");
                s.AppendLine($"kubectl -n {request.Namespace} port-forward svc/{Kubernetes.GatewayObjects.Name} 8080:8080 &");
                s.AppendLine($"curl -H \"Authorization: Bearer $(kubectl -n {request.Namespace} get secret {Kubernetes.GatewayObjects.AdminSecret} -o jsonpath='{{.data.LLMFLEET_ADMIN_KEY}}' | base64 -d)\" \\");
                s.AppendLine("  -H 'Content-Type: application/json' -d '{\"name\": \"my-team\"}' http://127.0.0.1:8080/admin/keys");
                break;
            default:
                s.AppendLine($"kubectl create secret generic hf-token --from-literal=HF_TOKEN=<your token>");
                s.AppendLine("helm repo add vllm https://vllm-project.github.io/production-stack");
                s.AppendLine("helm install llmfleet vllm/vllm-stack -f values.yaml");
                break;
        }
        s.AppendLine("```");
        // The planner's Ray advice is for starting by hand; the LeaderWorkerSet starts every node itself.
        var warnings = p.Warnings.Where(w => !(request.Target == DeployTarget.Kubernetes && w.StartsWith("multi-node:", StringComparison.Ordinal))).ToList();
        if (request.Target == DeployTarget.Kubernetes && server.Nodes > 1)
        {
            s.AppendLine();
            s.AppendLine($"Each replica is a LeaderWorkerSet group of {server.Nodes.ToString(c)} pods started in vLLM's multiprocessing multi-node mode " +
                "(`--nnodes`, `--node-rank`, `--master-addr`, workers `--headless`); no Ray cluster is needed, so the plan's `--distributed-executor-backend ray` is left out.");
        }
        if (warnings.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("## Planner warnings");
            s.AppendLine();
            foreach (var w in warnings)
            {
                s.AppendLine($"- {w}");
            }
        }
        return s.ToString();
    }

    /// <summary>
    /// Build (and for a cluster, push) the gateway image the bundle names, from the repository's Dockerfile. A name
    /// without a registry (the default <c>llmfleet:&lt;version&gt;</c>) is tagged and pushed under <c>$REGISTRY</c>, and
    /// gateway.yaml is pointed at it.
    /// </summary>
    private static void ImageSteps(StringBuilder s, DeployRequest request, bool push)
    {
        var version = ProductVersion.Current.Version;
        var repo = request.RepositoryDirectory ?? "\"${REPO:?set REPO to a checkout of the llmfleet repository}\"";
        s.AppendLine($"# The gateway image {request.Image}: llmfleet {version}, built from the repository's Dockerfile.");
        s.AppendLine($"docker build -t {request.Image} --build-arg VERSION={version} {repo}");
        if (!push)
        {
            return;
        }
        var slash = request.Image.IndexOf('/', StringComparison.Ordinal);
        var hasRegistry = slash > 0 && request.Image[..slash].IndexOfAny(['.', ':']) >= 0;
        if (hasRegistry)
        {
            s.AppendLine($"docker push {request.Image}");
            return;
        }
        s.AppendLine("# The cluster pulls from a registry: push it there (REGISTRY=registry.example.com/team) and name it in gateway.yaml.");
        s.AppendLine($"docker tag {request.Image} \"$REGISTRY/{request.Image}\"");
        s.AppendLine($"docker push \"$REGISTRY/{request.Image}\"");
        s.AppendLine($"sed -i \"s|image: {request.Image}$|image: $REGISTRY/{request.Image}|\" gateway.yaml");
    }

    private static string Target(DeployTarget target) => target switch
    {
        DeployTarget.Compose => "docker compose",
        DeployTarget.Systemd => "systemd",
        DeployTarget.Kubernetes => "Kubernetes",
        _ => "vLLM production-stack Helm chart",
    };
}
