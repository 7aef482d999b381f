using LlmFleet.Simulation.Tests.Hosting;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Simulation.Tests.Timing;

/// <summary>
/// The twin's TTFT and time per output token against the planner's step-time model for the same deployment
/// (GLM-5.2 FP8 on 8×H200), measured by a client on real Kestrel. Twins run at <c>--speed 2</c>; expectations are
/// divided by the same speed. The tolerance is the 15 %; prompts go as token ids and results are medians,
/// so a loaded machine adds little of its own. Not run in parallel with other tests, which would steal its CPU.
/// </summary>
[Collection(nameof(TimingCollection))]
public sealed class PlannerTimingTests
{
    private const double Speed = 2;
    private const double Tolerance = 0.15;
    private const string Completions = "v1/completions";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SingleStream_TtftAndTpot_WithinFifteenPercentOfPlanner()
    {
        await using var twin = await Twins.StartAsync(Speed);
        using var http = Twins.Http(twin);
        await Sse.ReadAllAsync(http, Completions, Prompts.CompletionJson(8000, 2, salt: 50), Ct); // warm (JIT, buffers)

        var ttft = new List<double>();
        var tpot = new List<double>();
        var model = twin.Profile.StepTime;
        for (var run = 0; run < 3; run++)
        {
            var before = await TtftAsync(http);
            var (_, events) = await Sse.ReadAllAsync(http, Completions, Prompts.CompletionJson(8000, 40, salt: run), Ct);
            var after = await TtftAsync(http);
            var timing = StreamTiming.From(events);
            ttft.Add((after.Sum - before.Sum) / (model.StepTime(timing.PromptTokens, 0, 0).TotalSeconds / Speed));
            tpot.Add(timing.TpotSeconds / (model.StepTime(0, 1, timing.PromptTokens + timing.CompletionTokens / 2).TotalSeconds / Speed));
        }

        AssertRatio("TTFT", StreamTiming.Median(ttft));
        AssertRatio("TPOT", StreamTiming.Median(tpot));
    }

    [Fact]
    public async Task SixtyFourStreams_TtftAndTpot_WithinFifteenPercentOfPlanner()
    {
        await using var twin = await Twins.StartAsync(Speed);
        using var http = Twins.Http(twin);
        await Sse.ReadAllAsync(http, Completions, Prompts.CompletionJson(127, 2, salt: 50, n: 64), Ct); // warm (JIT, buffers)
        var model = twin.Profile.StepTime;

        // TTFT: 64 sequences that arrive together (one request, n = 64) are prefilled in one step.
        var before = await TtftAsync(http);
        var (_, together) = await Sse.ReadAllAsync(http, Completions, Prompts.CompletionJson(127, 4, n: 64), Ct);
        var after = await TtftAsync(http);
        Assert.Equal(64, StreamTiming.FirstTokenPerChoice(together).Count);
        Assert.Equal(64, after.Count - before.Count);
        var expectedTtft = model.StepTime(64 * 127, 0, 0).TotalSeconds / Speed;
        AssertRatio("TTFT of 64 arriving together", (after.Sum - before.Sum) / 64 / expectedTtft);

        // TPOT: 64 separate streams. A long prompt keeps the engine busy with chunked prefill while they connect, so
        // they start in the same step and then decode together with it: 65 sequences per step.
        var requests = Enumerable.Range(0, 64).Select(i => Prompts.CompletionJson(96, 40, salt: i)).ToList();
        var blocker = Sse.ReadAllAsync(http, Completions, Prompts.CompletionJson(24_000, 120, salt: 99), Ct);
        await WaitUntilRunningAsync(http);
        var streams = requests.Select(json => Sse.ReadAllAsync(http, Completions, json, Ct)).ToList();
        var blockerTiming = StreamTiming.From((await blocker).Events);
        var timings = (await Task.WhenAll(streams)).Select(s => StreamTiming.From(s.Events)).ToList();

        var context = blockerTiming.PromptTokens + timings.Sum(t => t.PromptTokens + t.CompletionTokens / 2);
        var expectedTpot = model.StepTime(0, 65, context).TotalSeconds / Speed;
        AssertRatio("TPOT of 64 streams decoding together", StreamTiming.Median(timings.Select(t => t.TpotSeconds)) / expectedTpot);
    }

    /// <summary>
    /// The twin's own TTFT histogram (<c>vllm:time_to_first_token_seconds</c>), as an operator reads vLLM's: from the
    /// request's arrival at the engine to its first token. A client on a loaded two-core test machine adds tens of
    /// milliseconds of its own that are no part of the model, so TTFT is read here; TPOT is measured by the client.
    /// </summary>
    private static async Task<(double Sum, double Count)> TtftAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("metrics", Ct);
        return (PrometheusText.Sum(text, VllmMetricNames.TimeToFirstTokenSeconds + "_sum") ?? 0,
            PrometheusText.Sum(text, VllmMetricNames.TimeToFirstTokenSeconds + "_count") ?? 0);
    }

    private static async Task WaitUntilRunningAsync(HttpClient http)
    {
        for (var i = 0; i < 500; i++)
        {
            if (PrometheusText.Sum(await http.GetStringAsync("metrics", Ct), "vllm:num_requests_running") >= 1)
            {
                return;
            }
            await Task.Delay(2, Ct);
        }
        Assert.Fail("the long request never started");
    }

    private static void AssertRatio(string what, double ratio) =>
        Assert.True(Math.Abs(ratio - 1) <= Tolerance, $"{what}: measured / planner = {ratio:F3} (tolerance ±{Tolerance:P0})");
}

[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;
