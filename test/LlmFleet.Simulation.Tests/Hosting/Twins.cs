using System.ClientModel;
using LlmFleet.Planning.Performance;
using OpenAI;

namespace LlmFleet.Simulation.Tests.Hosting;

/// <summary>Starting twins for tests on real Kestrel (127.0.0.1, port 0), and clients for them.</summary>
internal static class Twins
{
    /// <summary>The default twin (GLM-5.2 FP8 on 8×H200, planner figures), at <paramref name="speed"/>.</summary>
    public static Task<RunningTwin> StartAsync(double speed = 0, Func<TwinOptions, TwinOptions>? configure = null)
    {
        var options = new TwinOptions { Speed = speed, Seed = 7 };
        return TwinHost.StartAsync(configure is null ? options : configure(options), ct: TestContext.Current.CancellationToken);
    }

    /// <summary>A small twin whose KV capacity and step times the test chooses (scheduler behaviour in isolation).</summary>
    public static Task<RunningTwin> StartSmallAsync(long kvCacheTokens, IStepTimeModel stepTime, double speed = 1,
        Func<TwinOptions, TwinOptions>? configure = null)
    {
        var options = new TwinOptions
        {
            Speed = speed,
            Seed = 7,
            KvCacheTokens = kvCacheTokens,
            StepTimeModel = stepTime,
            MaxModelLen = Math.Min(kvCacheTokens, 32_768),
        };
        return TwinHost.StartAsync(configure is null ? options : configure(options), ct: TestContext.Current.CancellationToken);
    }

    public static OpenAIClient OpenAi(RunningTwin twin) =>
        new(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(twin.BaseAddress, "v1") });

    public static HttpClient Http(RunningTwin twin) => new() { BaseAddress = twin.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
}

/// <summary>Step times of a fixed cost per step plus per prefill token and per decoded sequence.</summary>
internal sealed class LinearStepTime(double baseSeconds, double perPrefillTokenSeconds, double perSequenceSeconds) : IStepTimeModel
{
    public TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens) =>
        TimeSpan.FromSeconds(baseSeconds + prefillTokens * perPrefillTokenSeconds + decodeSequences * perSequenceSeconds);
}
