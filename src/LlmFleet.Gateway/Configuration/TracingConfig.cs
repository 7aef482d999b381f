namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// The <c>tracing:</c> section of <c>fleet.yaml</c>: where the gateway sends its OpenTelemetry traces (OTLP). Read at
/// start. Traces are on when <see cref="OtlpEndpoint"/> is set here or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set in the environment; the other <c>OTEL_*</c> variables are read by
/// the OpenTelemetry SDK itself.
/// </summary>
public sealed record TracingConfig
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    /// <summary>The collector's base address (as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: <c>/v1/traces</c> is appended
    /// for <see cref="HttpProtobuf"/>); null: the environment decides.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary><see cref="HttpProtobuf"/> or <see cref="Grpc"/>; null: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else
    /// <see cref="HttpProtobuf"/>.</summary>
    public string? Protocol { get; init; }

    /// <summary>Share of new traces recorded (0 to 1), parent-based: a request whose caller sampled its trace is
    /// recorded. Null: <c>OTEL_TRACES_SAMPLER</c>, else every trace.</summary>
    public double? SampleRatio { get; init; }

    /// <summary>Validates <c>tracing:</c>; problems are added to <paramref name="errors"/>.</summary>
    public static TracingConfig Parse(TracingYaml? yaml, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (yaml is null)
        {
            return new TracingConfig();
        }
        Uri? endpoint = null;
        if (yaml.OtlpEndpoint is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors.Add($"tracing.otlp_endpoint: '{text}' is not an http:// or https:// URL");
            endpoint = null;
        }
        if (yaml.Protocol is { } protocol && protocol is not (HttpProtobuf or Grpc))
        {
            errors.Add($"tracing.protocol: '{protocol}' is not `{HttpProtobuf}` or `{Grpc}`");
        }
        if (yaml.SampleRatio is { } ratio && ratio is not (>= 0 and <= 1))
        {
            errors.Add($"tracing.sample_ratio: {ratio} is not between 0 and 1");
        }
        return new TracingConfig { OtlpEndpoint = endpoint, Protocol = yaml.Protocol, SampleRatio = yaml.SampleRatio };
    }
}

public sealed class TracingYaml
{
    public string? OtlpEndpoint { get; set; }

    public string? Protocol { get; set; }

    public double? SampleRatio { get; set; }
}
