using System.Collections.Concurrent;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Tests.Access.Jwt;

/// <summary>Tokens are credentials: whatever a client sends, accepted or refused, no log line of the gateway (its
/// access log included, at every level) contains it or its signature.</summary>
public sealed class JwtLoggingTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tokens_AcceptedOrRefused_NeverAppearInTheLogs()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        var key = idp.NewRsaKey("rsa-1");
        idp.Publish(key);
        var (access, store) = AccessFleet.NewSetup();
        await using var twin = await FleetBuilder.StartTwinAsync();
        var logs = new CapturingLoggerProvider();
        var config = new FleetConfig
        {
            Models = [FleetBuilder.ModelFor([twin])],
            Store = store,
            Access = access with { Auth = AuthModes.KeysAndJwt, Jwt = idp.Config() },
        };
        string[] tokens =
        [
            TestIdentityProvider.Token(key, "alice"),
            TestIdentityProvider.Token(key, "alice", lifetime: TimeSpan.FromMinutes(-5)),
            TestIdentityProvider.Token(key, "alice", audience: "elsewhere"),
            TestIdentityProvider.Token(idp.NewRsaKey("unknown")),
            TestIdentityProvider.UnsignedToken(),
        ];
        // Every level the gateway lets through: what the most verbose logging configuration would write.
        await using (var gateway = await GatewayHost.StartAsync(new GatewayOptions
        {
            Config = config,
            Urls = "http://127.0.0.1:0",
            MinimumLogLevel = LogLevel.Trace,
            ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs),
        }, Ct))
        {
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
            foreach (var token in tokens)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Functional.TestFleet.Json(Functional.TestFleet.ChatJson()) };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                using var response = await client.SendAsync(request, Ct);
                Assert.Equal(token == tokens[0] ? 200 : 401, (int)response.StatusCode);
            }
        }
        var lines = logs.Lines.ToArray();
        Assert.True(lines.Any(l => l.Contains("jwt:alice", StringComparison.Ordinal) && l.Contains(" 200 ", StringComparison.Ordinal)),
            "no access-log line of the accepted token");
        foreach (var token in tokens)
        {
            var signature = token.Split('.')[2];
            Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal) || (signature.Length > 0 && l.Contains(signature, StringComparison.Ordinal)));
        }
    }

    /// <summary>Keeps every line logged, with its structured values and exception, as any log sink would see it.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                provider.Lines.Enqueue($"{category} scope {Values(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Lines.Enqueue($"{category} {formatter(state, exception)} {Values(state)} {exception}");

            private static string Values<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
        }
    }
}
