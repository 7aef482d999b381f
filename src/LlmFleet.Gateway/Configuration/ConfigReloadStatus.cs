using LlmFleet.Monitoring;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// How the configuration file's reloads went: when the running configuration was loaded, and the last refused file
/// with its reason. The watcher writes it; <c>/admin/fleet</c> and <c>/metrics</c> read it, so a broken push that
/// kept the old configuration is visible without reading logs.
/// </summary>
public sealed class ConfigReloadStatus
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private ConfigStatusView _view;

    /// <param name="path">The watched file; null when the configuration was handed in and is never reloaded.</param>
    public ConfigReloadStatus(string? path, TimeProvider time)
    {
        _time = time;
        _view = new ConfigStatusView(path is null ? null : Path.GetFullPath(path), time.GetUtcNow(), 0, null, null);
    }

    public ConfigStatusView View
    {
        get
        {
            lock (_gate)
            {
                return _view;
            }
        }
    }

    /// <summary>The file's new content is in force; an earlier failure stays on record until the next one.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _view = _view with { LoadedAt = _time.GetUtcNow(), LastReloadSucceeded = true };
        }
    }

    /// <summary>The file's new content was refused; the running configuration stays.</summary>
    public void Failed(string reason)
    {
        lock (_gate)
        {
            _view = _view with { ReloadFailures = _view.ReloadFailures + 1, LastError = reason, LastErrorAt = _time.GetUtcNow(), LastReloadSucceeded = false };
        }
    }
}
