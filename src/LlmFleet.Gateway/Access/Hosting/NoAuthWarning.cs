using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Hosting;

/// <summary>Says at start, as a warning, that a gateway reachable from other machines runs with <c>auth: none</c>.</summary>
internal sealed partial class NoAuthWarning(ILogger<NoAuthWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.NoAuth(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "auth: none — the gateway listens beyond this machine and serves anyone who can reach it, without API keys")]
        public static partial void NoAuth(ILogger logger);
    }
}
