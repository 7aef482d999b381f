namespace LlmFleet.Vllm.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
public sealed class ModelList
{
    public string Object { get; set; } = "list";

    public List<ModelCard> Data { get; set; } = [];
}

/// <summary>One served model as vLLM lists it: <c>root</c> is what was given to <c>vllm serve</c>.</summary>
public sealed class ModelCard
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "model";

    public long Created { get; set; }

    public string OwnedBy { get; set; } = "vllm";

    public string? Root { get; set; }

    public string? Parent { get; set; }

    public long? MaxModelLen { get; set; }

    public List<ModelPermission> Permission { get; set; } = [];
}

public sealed class ModelPermission
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "model_permission";

    public long Created { get; set; }

    public bool AllowCreateEngine { get; set; }

    public bool AllowSampling { get; set; } = true;

    public bool AllowLogprobs { get; set; } = true;

    public bool AllowSearchIndices { get; set; }

    public bool AllowView { get; set; } = true;

    public bool AllowFineTuning { get; set; }

    public string Organization { get; set; } = "*";

    public string? Group { get; set; }

    public bool IsBlocking { get; set; }
}

/// <summary><c>GET /version</c>.</summary>
public sealed class VersionResponse
{
    public string Version { get; set; } = "";
}
