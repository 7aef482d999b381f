using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Vllm.Tests.Metrics;

public sealed class PrometheusTextTests
{
    private const string Scrape = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="zai-org/GLM-5.2"} 3.0
        vllm:num_requests_running{engine="1",model_name="zai-org/GLM-5.2"} 4.0
        # TYPE vllm:request_success_total counter
        vllm:request_success_total{engine="0",finished_reason="stop",model_name="m \"quoted\", odd"} 7.0
        vllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 2 1712345678000
        vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 9.0
        process_open_fds 12
        """;

    [Fact]
    public void Sum_GaugeOverEngines_AddsThem() =>
        Assert.Equal(7, PrometheusText.Sum(Scrape, "vllm:num_requests_running"));

    [Fact]
    public void Sum_WithLabelFilter_KeepsMatchingSeriesOnly() =>
        Assert.Equal(3, PrometheusText.Sum(Scrape, "vllm:num_requests_running", ("engine", "0")));

    [Fact]
    public void Sum_UnknownMetric_IsNull() =>
        Assert.Null(PrometheusText.Sum(Scrape, "vllm:nothing"));

    [Fact]
    public void EnumerateSamples_EscapedLabelsAndTimestamps_ParseValuesAndLabels()
    {
        var samples = new List<(string Name, double Value, string Model)>();
        foreach (var s in PrometheusText.EnumerateSamples(Scrape))
        {
            s.TryGetLabel("model_name", out var model);
            samples.Add((s.Name.ToString(), s.Value, model));
        }

        Assert.Equal(6, samples.Count);
        Assert.Equal(("vllm:request_success_total", 7.0, "m \"quoted\", odd"), samples[2]);
        Assert.Equal(2.0, samples[3].Value); // the timestamp after the value is not the value
        Assert.Equal(("process_open_fds", 12.0, ""), samples[5]);
    }

    [Fact]
    public void HasLabel_ComparesUnescapedValues()
    {
        foreach (var s in PrometheusText.EnumerateSamples(Scrape))
        {
            if (s.Name.SequenceEqual("vllm:request_success_total") && s.HasLabel("finished_reason", "stop"))
            {
                Assert.True(s.HasLabel("model_name", "m \"quoted\", odd"));
                return;
            }
        }
        Assert.Fail("sample not found");
    }

    [Fact]
    public void ReadTypes_ReadsTypeLines() =>
        Assert.Equal("counter", PrometheusText.ReadTypes(Scrape)["vllm:request_success_total"]);

    [Fact]
    public void TryParseSample_InfinityAndMalformed()
    {
        Assert.True(PrometheusText.TryParseSample("a_bucket{le=\"+Inf\"} +Inf", out var inf));
        Assert.True(double.IsPositiveInfinity(inf.Value));
        Assert.False(PrometheusText.TryParseSample("broken{le=\"1\" 3", out _));
        Assert.False(PrometheusText.TryParseSample("name notanumber", out _));
    }
}
