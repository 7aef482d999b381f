using System.Text.Json;
using LlmFleet.Simulation.Api;
using LlmFleet.Simulation.Hosting;

namespace LlmFleet.Simulation.Faults;

/// <summary><c>GET /sim/faults</c> shows the current faults; <c>POST /sim/faults</c> replaces them (absent fields: off).</summary>
internal static class FaultsEndpoint
{
    public const string Path = "/sim/faults";

    public static Task GetAsync(HttpContext http, TwinContext twin) =>
        ApiIo.WriteJsonAsync(http, FaultsBody.From(twin.Faults.Current), SimulationJsonContext.Default.FaultsBody);

    public static async Task PostAsync(HttpContext http, TwinContext twin)
    {
        FaultOptions? faults;
        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, SimulationJsonContext.Default.FaultsBody, http.RequestAborted);
            faults = body?.ToOptions().Validate();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, $"Invalid faults: {e.Message}"));
            return;
        }
        if (faults is null)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, "Invalid faults: expected a JSON object"));
            return;
        }
        await ApiIo.WriteJsonAsync(http, FaultsBody.From(faults), SimulationJsonContext.Default.FaultsBody);
        await http.Response.CompleteAsync();
        twin.Faults.Set(faults); // after the answer, so a crash does not cut off its own confirmation
    }
}
