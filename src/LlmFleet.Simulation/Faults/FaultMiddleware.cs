using LlmFleet.Simulation.Api;
using LlmFleet.Simulation.Hosting;

namespace LlmFleet.Simulation.Faults;

/// <summary>
/// The request-level faults: <c>hang</c> holds every request open unanswered, <c>error</c> fails a fraction of the API
/// requests (<c>/v1/…</c>) with vLLM's error body. <c>/sim/faults</c> is exempt, so faults can always be lifted.
/// </summary>
internal static class FaultMiddleware
{
    public static async Task InvokeAsync(HttpContext http, TwinContext twin, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments(FaultsEndpoint.Path))
        {
            await next(http);
            return;
        }
        var faults = twin.Faults.Current;
        if (faults.Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        if (http.Request.Path.StartsWithSegments("/v1") && twin.Faults.ShouldFail())
        {
            var message = faults.ErrorStatus == 503
                ? "The server is overloaded or not ready yet (simulated fault)."
                : "Internal server error (simulated fault).";
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(faults.ErrorStatus, message));
            return;
        }
        await next(http);
    }
}
