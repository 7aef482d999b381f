using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Model;

namespace LlmFleet.Gateway.Routing;

/// <summary>One backend as one pool sees it: its configuration (served model name, key) and the shared runtime state.</summary>
public sealed class PoolBackend(BackendConfig config, BackendState state, int index)
{
    public BackendConfig Config { get; } = config;

    public BackendState State { get; } = state;

    /// <summary>An external provider (<see cref="BackendConfig.Provider"/>), not a vLLM server of ours.</summary>
    public bool IsExternal => Config.IsExternal;

    /// <summary>Position in the pool, the bit that marks it as tried during one request's retries.</summary>
    public int Index { get; } = index;

    /// <summary>The model name written into forwarded bodies, as UTF-8 JSON string bytes; null keeps the client's.</summary>
    internal byte[]? ServedModelJson { get; } = config.ServedModel is { } name
        ? [(byte)'"', .. System.Text.Json.JsonEncodedText.Encode(name).EncodedUtf8Bytes, (byte)'"']
        : null;

    /// <summary>The served model name as plain UTF-8, written into a <c>multipart/form-data</c> <c>model</c> field.</summary>
    internal byte[]? ServedModelUtf8 { get; } = config.ServedModel is { } plain ? System.Text.Encoding.UTF8.GetBytes(plain) : null;

    /// <summary>The <c>Authorization</c> value sent to this backend, from <see cref="BackendConfig.ApiKeyEnv"/>; null
    /// leaves the client's header. Read once, when the configuration is loaded or reloaded.</summary>
    internal string? Authorization { get; } = config.ApiKeyEnv is { } env && Environment.GetEnvironmentVariable(env) is { Length: > 0 } key
        ? "Bearer " + key
        : null;
}
