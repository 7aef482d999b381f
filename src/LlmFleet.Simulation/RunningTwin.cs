using LlmFleet.Simulation.Hosting;
using Microsoft.AspNetCore.Builder;

namespace LlmFleet.Simulation;

/// <summary>A started twin: where it listens, what it serves, and a handle to change its faults or stop it.</summary>
public sealed class RunningTwin : IAsyncDisposable
{
    private readonly TwinContext _twin;

    internal RunningTwin(WebApplication app, TwinContext twin)
    {
        App = app;
        _twin = twin;
        BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
    }

    public WebApplication App { get; }

    /// <summary>The root URL, e.g. <c>http://127.0.0.1:41234/</c>; the OpenAI API is under <c>v1/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The twin's simulated dcgm-exporter (GPU utilisation, memory, power) for <c>monitoring.exporters</c>.</summary>
    public Uri DcgmExporter => new(BaseAddress, Gpu.SimulatedExporters.DcgmPath.TrimStart('/'));

    /// <summary>The twin's simulated node exporter (host memory, disk I/O, process health) for <c>monitoring.exporters</c>.</summary>
    public Uri NodeExporter => new(BaseAddress, Gpu.SimulatedExporters.NodePath.TrimStart('/'));

    /// <summary>The name clients send as <c>model</c>.</summary>
    public string ServedModelName => _twin.Profile.ServedModelName;

    /// <summary>The resolved deployment: context limit, KV capacity, step times.</summary>
    public TwinProfile Profile => _twin.Profile;

    public FaultOptions Faults => _twin.Faults.Current;

    /// <summary>Replaces the faults, as <c>POST /sim/faults</c> does; with <c>crash</c>, returns once it stopped listening.</summary>
    public async Task SetFaultsAsync(FaultOptions faults)
    {
        _twin.Faults.Set(faults);
        if (faults.Crash && _twin.Crashed is { } crashed)
        {
            await crashed;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
        }
        await App.DisposeAsync();
    }
}
