using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmFleet.Cli.Commands.Serve;

/// <summary>Waits until the host is told to stop: Ctrl+C or SIGTERM (the host's console lifetime), or the command's
/// cancellation token (tests, embedding). Disposing the host afterwards shuts it down gracefully.</summary>
internal static class ServeUntilStopped
{
    public static async Task WaitAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        using var onStop = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        using var onCancel = cancellationToken.Register(() => stopping.TrySetResult());
        await stopping.Task;
    }
}
