using System.Text.Json;
using LlmFleet.Simulation.Api;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Vllm.Errors;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Simulation.Faults;

/// <summary><c>GET /sim/faults</c> shows the current faults; <c>POST /sim/faults</c> replaces them (absent fields: off).</summary>
internal static class FaultsEndpoint
{
    public const string Path = "/sim/faults";

    public static Task GetAsync(HttpContext http, TwinContext twin) =>
        ApiIo.WriteJsonAsync(http, twin.Faults.Current, SimulationJsonContext.Default.FaultOptions);

    public static async Task PostAsync(HttpContext http, TwinContext twin)
    {
        FaultOptions? faults;
        try
        {
            faults = await JsonSerializer.DeserializeAsync(http.Request.Body, SimulationJsonContext.Default.FaultOptions, http.RequestAborted);
            faults?.Validate();
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
        await ApiIo.WriteJsonAsync(http, faults, SimulationJsonContext.Default.FaultOptions);
        await http.Response.CompleteAsync();
        twin.Faults.Set(faults); // after the answer, so a crash does not cut off its own confirmation
    }
}
