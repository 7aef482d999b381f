using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Commands.Serve;

/// <summary>
/// The embedded defaults of <c>llmfleet up</c>: GLM-5.2 in FP8, one twin per simulated 8×H200 node, behind one
/// gateway pool named <c>glm-5.2</c> (aliases <c>glm</c>, <c>glm-5</c>) with prefix-affinity routing.
/// </summary>
internal static class UpFleet
{
    public const string ModelName = "glm-5.2";

    public static TwinOptions Twin(double speed, int seed) => new()
    {
        Model = "glm-5.2",
        Quantization = "fp8",
        Gpu = "h200",
        Gpus = 8,
        Speed = speed,
        Seed = seed,
    };

    /// <summary>
    /// The admin key the dashboard and <c>/admin/fleet</c> ask for: <c>LLMFLEET_ADMIN_KEY</c> when set, else one made for
    /// this run (put in a variable of this process that only this gateway reads), so the demo dashboard works at once.
    /// </summary>
    public static (AccessConfig Access, string Key, bool Generated) AdminKey()
    {
        if (Environment.GetEnvironmentVariable(AccessConfig.DefaultAdminKeyEnv) is { Length: > 0 } given)
        {
            return (new AccessConfig(), given, false);
        }
        var env = "LLMFLEET_UP_ADMIN_KEY_" + Guid.NewGuid().ToString("N");
        var key = "admin-" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);
        Environment.SetEnvironmentVariable(env, key);
        return (new AccessConfig { AdminKeyEnv = env }, key, true);
    }

    public static FleetConfig Config(IReadOnlyList<RunningTwin> twins, string policy, AccessConfig access) => new()
    {
        Access = access,
        Models =
        [
            new ModelConfig
            {
                Name = ModelName,
                Aliases = ["glm", "glm-5"],
                Policy = policy,
                Backends = twins.Select(t => new BackendConfig { Url = t.BaseAddress, ServedModel = t.ServedModelName }).ToArray(),
            },
        ],
        ShutdownTimeout = TimeSpan.FromSeconds(10),
        // Each twin also stands for its node's exporters, so the dashboard shows GPU and host panels next to vLLM's.
        Monitoring = new MonitoringConfig
        {
            Exporters = [.. twins.Select(t => new ExporterConfig(t.BaseAddress, t.DcgmExporter, t.NodeExporter))],
        },
    };

    public static string CurlLine(Uri openAiEndpoint) =>
        $"curl -s {openAiEndpoint.ToString().TrimEnd('/')}/chat/completions -H 'Content-Type: application/json' " +
        $"-d '{{\"model\":\"{ModelName}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hello! What can you do?\"}}],\"max_tokens\":64}}'";

    public static bool IsKnownPolicy(string policy) => BackendSelectionPolicies.All.Contains(policy);
}
