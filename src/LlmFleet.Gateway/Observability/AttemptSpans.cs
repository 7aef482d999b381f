using System.Collections.Frozen;
using System.Diagnostics;
using LlmFleet.Gateway.Requests;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace LlmFleet.Gateway.Observability;

/// <summary>
/// The client span of each backend attempt, named and tagged after OpenTelemetry's GenAI semantic conventions
/// (<c>{gen_ai.operation.name} {gen_ai.request.model}</c>, kind client, a child of the request's server span), and the
/// W3C trace context it sends to the backend. Created only when traces are on (<see cref="Enabled"/>): off, an attempt
/// costs one test of a field, and the client's own <c>traceparent</c> reaches the backend unchanged, as any header.
/// </summary>
internal sealed class AttemptSpans(bool enabled, TimeProvider time)
{
    /// <summary>The event marking the first body bytes of a streamed answer (the time to first token).</summary>
    public const string FirstTokenEvent = "llmfleet.first_token";

    // vLLM's routes as the conventions name operations; the others keep their own name.
    private static readonly FrozenDictionary<string, string> Operations = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["/v1/chat/completions"] = "chat",
        ["/v1/messages"] = "chat",
        ["/v1/responses"] = "chat",
        ["/v1/completions"] = "text_completion",
        ["/v1/embeddings"] = "embeddings",
        ["/v1/audio/transcriptions"] = "transcription",
        ["/v1/audio/translations"] = "translation",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => enabled;

    /// <summary>Starts the span of an attempt on <paramref name="backend"/> (it becomes <see cref="Activity.Current"/>);
    /// null when traces are off or this trace is not sampled.</summary>
    public Activity? Start(HttpContext context, GatewayRequest request, PoolBackend backend)
    {
        if (!enabled)
        {
            return null;
        }
        var path = context.Request.Path.Value ?? "";
        var operation = Operations.GetValueOrDefault(path) ?? path.TrimStart('/').Replace('/', '.');
        var model = backend.Config.ServedModel ?? SentModel(request) ?? request.Pool.Name;
        var span = GatewayTracing.Source.StartActivity(operation + " " + model, ActivityKind.Client);
        if (span is not { IsAllDataRequested: true })
        {
            return span;
        }
        var provider = backend.Config.Provider ?? "vllm";
        var pool = request.ServingPool;
        span.SetTag("gen_ai.operation.name", operation);
        span.SetTag("gen_ai.provider.name", provider);
        span.SetTag("gen_ai.system", provider); // the attribute's name before the conventions' 1.37
        span.SetTag("gen_ai.request.model", model);
        span.SetTag("server.address", backend.Config.Url.Host);
        span.SetTag("server.port", backend.Config.Url.Port);
        span.SetTag(GatewayTracing.RequestIdTag, context.TraceIdentifier);
        span.SetTag("llmfleet.pool", pool.Name);
        span.SetTag("llmfleet.policy", pool.Config.Policy);
        span.SetTag("llmfleet.backend", backend.State.Name);
        span.SetTag("llmfleet.retry_count", request.Attempts - 1);
        span.SetTag("llmfleet.stream", request.Stream);
        return span;
    }

    /// <summary>The model as the client named it (a name or an alias), which the backend gets when it has no served name.</summary>
    private static string? SentModel(GatewayRequest request) => request.Inspection is { HasModel: true } inspection
        ? System.Text.Encoding.UTF8.GetString(request.Body.Span[inspection.ModelToken]).Trim('"')
        : null;

    /// <summary>Replaces whatever trace context the client sent with the attempt span's (<see cref="Propagators.DefaultTextMapPropagator"/>:
    /// <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> unless <c>OTEL_PROPAGATORS</c> says otherwise).</summary>
    public static void Inject(Activity span, HttpRequestMessage message)
    {
        var propagator = Propagators.DefaultTextMapPropagator;
        foreach (var field in propagator.Fields ?? Enumerable.Empty<string>())
        {
            message.Headers.Remove(field);
        }
        propagator.Inject(new PropagationContext(span.Context, Baggage.Current), message.Headers,
            static (headers, name, value) => headers.TryAddWithoutValidation(name, value));
    }

    /// <summary>Records how the attempt ended and ends its span.</summary>
    /// <param name="status">The backend's HTTP status; 0 when it did not answer.</param>
    /// <param name="firstTokenTimestamp">When a streamed answer's first bytes came (<see cref="TimeProvider.GetTimestamp"/>); 0 for none.</param>
    /// <param name="startTimestamp">When the attempt started, on the same clock.</param>
    /// <param name="error">What went wrong (an HTTP status, a forwarding error, a stream failure); null for success.</param>
    public void End(Activity span, int status, TokenUsage? usage, string? responseModel, long startTimestamp, long firstTokenTimestamp, string? error)
    {
        if (span.IsAllDataRequested)
        {
            if (status > 0)
            {
                span.SetTag("http.response.status_code", status);
            }
            if (responseModel is not null)
            {
                span.SetTag("gen_ai.response.model", responseModel);
            }
            if (usage is { } u)
            {
                span.SetTag("gen_ai.usage.input_tokens", u.PromptTokens);
                span.SetTag("gen_ai.usage.output_tokens", u.CompletionTokens);
            }
            if (firstTokenTimestamp != 0)
            {
                span.AddEvent(new ActivityEvent(FirstTokenEvent, span.StartTimeUtc + time.GetElapsedTime(startTimestamp, firstTokenTimestamp)));
            }
            if (error is not null)
            {
                span.SetTag("error.type", error);
                span.SetStatus(ActivityStatusCode.Error);
            }
        }
        span.Dispose();
    }
}
