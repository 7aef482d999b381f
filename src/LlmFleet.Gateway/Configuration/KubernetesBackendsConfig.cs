namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// <c>backends: { kubernetes: { namespace, service, port, served_model, api_key_env } }</c>: the pool's backends are
/// the ready, not terminating endpoints of a Service, followed through its EndpointSlices instead of listed by URL.
/// </summary>
public sealed record KubernetesBackendsConfig
{
    /// <summary>The Service's namespace. Default: the gateway pod's own (from its service-account mount), else <c>default</c>.</summary>
    public required string Namespace { get; init; }

    public required string Service { get; init; }

    /// <summary>The port vLLM listens on in each pod. Default 8000.</summary>
    public int Port { get; init; } = 8000;

    /// <summary>As a listed backend's <c>served_model</c>: the name vLLM knows the model by, when it differs.</summary>
    public string? ServedModel { get; init; }

    /// <summary>As a listed backend's <c>api_key_env</c>: the variable holding the key the pods' vLLM was started with.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>The API server. Default: in the cluster (<c>https://kubernetes.default.svc</c> with the pod's
    /// service-account token and CA); <c>http://127.0.0.1:8001</c> for <c>kubectl proxy</c>.</summary>
    public Uri? ApiServer { get; init; }
}

/// <summary>How <c>fleet.yaml</c> spells <see cref="KubernetesBackendsConfig"/> (snake_case keys, as read by YamlDotNet).</summary>
public sealed class KubernetesBackendsYaml
{
    public string? Namespace { get; set; }

    public string? Service { get; set; }

    public int? Port { get; set; }

    public string? ServedModel { get; set; }

    public string? ApiKeyEnv { get; set; }

    public string? ApiServer { get; set; }

    /// <summary>Validates, adding each problem with its place (<c>models[0].backends.kubernetes.service</c>).</summary>
    internal KubernetesBackendsConfig? Validate(string at, List<string> errors)
    {
        var ok = true;
        if (string.IsNullOrWhiteSpace(Service))
        {
            errors.Add($"{at}.service: required (the Service whose EndpointSlices list the vLLM pods)");
            ok = false;
        }
        if (Port is < 1 or > 65535)
        {
            errors.Add($"{at}.port: {Port} is not a port number");
            ok = false;
        }
        Uri? apiServer = null;
        if (ApiServer is not null && (!Uri.TryCreate(ApiServer, UriKind.Absolute, out apiServer) || apiServer.Scheme is not ("http" or "https")))
        {
            errors.Add($"{at}.api_server: '{ApiServer}' is not an http:// or https:// address");
            ok = false;
        }
        var keyEnv = FleetConfigLoader.BackendKeyEnv(ApiKeyEnv, $"{at}.api_key_env", errors);
        return ok
            ? new KubernetesBackendsConfig
            {
                Namespace = string.IsNullOrWhiteSpace(Namespace) ? PodServiceAccount.Namespace() ?? "default" : Namespace,
                Service = Service!,
                Port = Port ?? 8000,
                ServedModel = string.IsNullOrWhiteSpace(ServedModel) ? null : ServedModel,
                ApiKeyEnv = keyEnv,
                ApiServer = apiServer,
            }
            : null;
    }
}
