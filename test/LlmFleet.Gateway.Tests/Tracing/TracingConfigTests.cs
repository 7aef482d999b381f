using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Observability;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace LlmFleet.Gateway.Tests.Tracing;

/// <summary><c>tracing:</c> in <c>fleet.yaml</c> and the standard <c>OTEL_EXPORTER_OTLP_*</c> variables: which turns
/// traces on, and where spans go.</summary>
public sealed class TracingConfigTests
{
    private const string Models = "models: [{ name: m, backends: [{ url: http://10.0.0.1:8000 }] }]\n";

    private static IConfiguration Environment(params (string Key, string Value)[] variables) =>
        new ConfigurationBuilder().AddInMemoryCollection(variables.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Target_NeitherFileNorEnvironment_IsOff() =>
        Assert.Null(GatewayTracing.Target(FleetConfigLoader.Parse(Models).Tracing, Environment()));

    [Fact]
    public void Target_FileEndpoint_SendsHttpProtobufToItsTracesPath()
    {
        var config = FleetConfigLoader.Parse(Models + "tracing: { otlp_endpoint: 'http://collector:4318/', sample_ratio: 0.25 }\n").Tracing;

        var target = GatewayTracing.Target(config, Environment());

        Assert.Equal(new OtlpTarget(new Uri("http://collector:4318/v1/traces"), OtlpExportProtocol.HttpProtobuf), target);
        Assert.Equal(0.25, config.SampleRatio);
    }

    [Fact]
    public void Target_FileEndpointWithGrpc_IsUsedAsIs()
    {
        var config = FleetConfigLoader.Parse(Models + "tracing: { otlp_endpoint: 'http://collector:4317', protocol: grpc }\n").Tracing;

        Assert.Equal(new OtlpTarget(new Uri("http://collector:4317"), OtlpExportProtocol.Grpc), GatewayTracing.Target(config, Environment()));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", null, OtlpExportProtocol.HttpProtobuf)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", null, OtlpExportProtocol.HttpProtobuf)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "grpc", OtlpExportProtocol.Grpc)]
    public void Target_EnvironmentEndpoint_TurnsTracesOnAndLeavesTheAddressToTheSdk(string variable, string? protocol, OtlpExportProtocol expected)
    {
        var settings = protocol is null
            ? Environment((variable, "http://collector:4318"))
            : Environment((variable, "http://collector:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol));

        Assert.Equal(new OtlpTarget(null, expected), GatewayTracing.Target(new TracingConfig(), settings));
    }

    [Theory]
    [InlineData("tracing: { otlp_endpoint: 'collector:4318' }\n", "tracing.otlp_endpoint: 'collector:4318' is not an http:// or https:// URL")]
    [InlineData("tracing: { otlp_endpoint: 'http://c:4318', protocol: thrift }\n", "tracing.protocol: 'thrift' is not `http/protobuf` or `grpc`")]
    [InlineData("tracing: { otlp_endpoint: 'http://c:4318', sample_ratio: 1.5 }\n", "tracing.sample_ratio: 1.5 is not between 0 and 1")]
    [InlineData("tracing: { otlp_endpont: 'http://c:4318' }\n", "otlp_endpont")]
    public void Parse_BadTracingSection_SaysWhatIsWrong(string yaml, string message)
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(Models + yaml));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
