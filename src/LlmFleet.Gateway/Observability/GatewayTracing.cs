using System.Diagnostics;
using LlmFleet.Gateway.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmFleet.Gateway.Observability;

/// <summary>
/// The gateway's OpenTelemetry traces (docs/gateway.md, "Traces"): ASP.NET Core's server span per request and the
/// gateway's own client span per backend attempt (<see cref="AttemptSpans"/>), exported over OTLP. Off unless a
/// collector is named; off, no tracer provider exists, so no listener makes ASP.NET Core or the forwarder create a span.
/// </summary>
public static class GatewayTracing
{
    /// <summary>Source of the gateway's own spans (one client span per backend attempt).</summary>
    public const string SourceName = "LlmFleet.Gateway";

    /// <summary><c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> (or <c>OTEL_RESOURCE_ATTRIBUTES</c>) says otherwise.</summary>
    public const string DefaultServiceName = "llmfleet-gateway";

    public const string RequestIdTag = "llmfleet.request_id";

    internal static readonly ActivitySource Source = new(SourceName);

    // The gateway's own probes and scrapes would drown the requests in a trace store.
    private static readonly HashSet<string> Untraced = new(StringComparer.OrdinalIgnoreCase) { "/metrics", "/health", "/ready", "/ping" };

    /// <summary>Where traces go, or null when they are off: <c>tracing.otlp_endpoint</c> first, else the standard
    /// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>/<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (read by the SDK itself).</summary>
    /// <param name="settings">The host's configuration, which holds the environment's variables.</param>
    public static OtlpTarget? Target(TracingConfig config, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        var fromEnvironment = !string.IsNullOrEmpty(settings["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) || !string.IsNullOrEmpty(settings["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (config.OtlpEndpoint is null && !fromEnvironment)
        {
            return null;
        }
        // The SDK's own default is gRPC; the specification's, and ours, is http/protobuf.
        var protocol = (config.Protocol ?? settings["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? settings["OTEL_EXPORTER_OTLP_PROTOCOL"]) == TracingConfig.Grpc
            ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // An endpoint given in code is used as is, so the signal's path is appended here as the SDK does for the variable.
        var endpoint = config.OtlpEndpoint is not { } baseUrl ? null
            : protocol == OtlpExportProtocol.Grpc ? baseUrl
            : new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/v1/traces");
        return new OtlpTarget(endpoint, protocol);
    }

    /// <summary>Registers <see cref="AttemptSpans"/>, and the tracer provider when <see cref="Target"/> names a collector.</summary>
    internal static void Add(IServiceCollection services, TracingConfig config, IConfiguration settings, TimeProvider time)
    {
        var target = Target(config, settings);
        var spans = new AttemptSpans(target is not null, time);
        services.AddSingleton(spans);
        if (target is null)
        {
            return;
        }
        services.AddOpenTelemetry()
            // Later detectors win: the environment's variables over the default name.
            .ConfigureResource(r => r.Clear().AddService(DefaultServiceName).AddTelemetrySdk().AddEnvironmentVariableDetector())
            .WithTracing(tracing =>
            {
                // Only this gateway's requests: ASP.NET Core's activities are seen process-wide (tests, `llmfleet up`
                // with twins), and a probe or scrape is not worth a span.
                tracing.AddSource(SourceName).AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    context.RequestServices.GetService<AttemptSpans>() == spans && !Untraced.Contains(context.Request.Path.Value ?? ""));
                if (config.SampleRatio is { } ratio)
                {
                    tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
                }
                tracing.AddOtlpExporter(o =>
                {
                    o.Protocol = target.Protocol;
                    if (target.Endpoint is { } endpoint)
                    {
                        o.Endpoint = endpoint;
                    }
                });
            });
    }
}

/// <summary>Where the OTLP exporter sends spans: <see cref="Endpoint"/> null leaves it to the environment's variables.</summary>
public sealed record OtlpTarget(Uri? Endpoint, OtlpExportProtocol Protocol);
