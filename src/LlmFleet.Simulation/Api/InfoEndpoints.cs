using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Metrics;

namespace LlmFleet.Simulation.Api;

/// <summary><c>/health</c>, <c>/version</c>, <c>/v1/models</c> and <c>/metrics</c>.</summary>
internal static class InfoEndpoints
{
    /// <summary>vLLM answers 200 with an empty body, or 503 when its engine is dead.</summary>
    public static Task HealthAsync(HttpContext http, TwinContext twin)
    {
        http.Response.StatusCode = twin.Faults.Current.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    public static Task VersionAsync(HttpContext http, TwinContext twin) =>
        ApiIo.WriteJsonAsync(http, new VersionResponse { Version = twin.Profile.Wire.Version }, VllmJson.VersionResponse);

    public static Task ModelsAsync(HttpContext http, TwinContext twin)
    {
        var created = twin.NowUnixSeconds;
        var card = new ModelCard
        {
            Id = twin.Profile.ServedModelName,
            Created = created,
            Root = twin.Profile.Root,
            MaxModelLen = twin.Profile.MaxModelLen,
            Permission =
            [
                new ModelPermission { Id = $"modelperm-{Guid.NewGuid():N}", Created = created },
            ],
        };
        return ApiIo.WriteJsonAsync(http, new ModelList { Data = [card] }, VllmJson.ModelList);
    }

    public static Task MetricsAsync(HttpContext http, TwinContext twin)
    {
        http.Response.ContentType = MetricsExposition.ContentType;
        return http.Response.WriteAsync(MetricsExposition.Write(twin.Metrics, twin.Profile), http.RequestAborted);
    }
}
