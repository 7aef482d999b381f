using System.Security.Cryptography;
using System.Text;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Hosting;

/// <summary>
/// Hot reload: notices when <c>fleet.yaml</c>'s content changes, validates it and swaps in a new routing table. An
/// invalid file keeps the running configuration, is logged and is counted in <see cref="ConfigReloadStatus"/>
/// (<c>/metrics</c>, <c>/admin/fleet</c>). Requests in flight are untouched either way: they hold the pool and
/// backends they resolved.
/// <para>
/// Changes are found two ways. File events on the folder answer an edit within <see cref="Debounce"/>. Kubernetes
/// mounts a ConfigMap as <c>fleet.yaml → ..data/fleet.yaml</c> with <c>..data → ..2026_…</c> and updates it by
/// renaming a new <c>..data_tmp</c> link over <c>..data</c>: the file itself never changes, so the watcher follows
/// the folder's <c>..</c> entries too, and every <see cref="PollInterval"/> compares the content's hash through the
/// links, which also covers file systems that raise no events. Content equal to what was last read is not reloaded.
/// </para>
/// </summary>
/// <param name="loadedHash">The hash of the content the running configuration was read from (<see cref="Read"/>):
/// a change between that read and the watcher's start is still reloaded.</param>
internal sealed partial class FleetConfigWatcher(string path, string loadedHash, GatewayState state, ConfigReloadStatus status, TimeProvider time,
    ILogger<FleetConfigWatcher> logger) : BackgroundService
{
    /// <summary>Editors write a file in several steps (truncate, write, rename): wait for quiet before reading.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the content is compared even without a file event.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var full = Path.GetFullPath(path);
        var name = Path.GetFileName(full);
        string? last = loadedHash;
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        // The file itself, or the "..data" links and timestamped folders of a Kubernetes volume; not the key store's
        // database or anything else that shares the folder.
        bool Relevant(string? entry) => entry is not null && (entry == name || entry.StartsWith("..", StringComparison.Ordinal));
        watcher.Changed += (_, e) => Signal(Relevant(e.Name));
        watcher.Created += (_, e) => Signal(Relevant(e.Name));
        watcher.Deleted += (_, e) => Signal(Relevant(e.Name));
        watcher.Renamed += (_, e) => Signal(Relevant(e.Name) || Relevant(e.OldName));
        watcher.EnableRaisingEvents = true;
        try
        {
            while (true)
            {
                if (await changed.WaitAsync(PollInterval, stoppingToken))
                {
                    // Swallow the burst of events one save (or one volume update) produces.
                    do
                    {
                        await Task.Delay(Debounce, time, stoppingToken);
                    }
                    while (Drain(changed));
                }
                (string Text, string Hash)? now = null;
                string? unreadable = null;
                try
                {
                    now = Read(full);
                }
                catch (FleetConfigException e)
                {
                    unreadable = e.Message;
                }
                // Unchanged content, or a file still unreadable as it was at the last look: nothing to do.
                if (now?.Hash == last)
                {
                    continue;
                }
                last = now?.Hash;
                if (now is { } content)
                {
                    Reload(full, content.Text);
                }
                else
                {
                    Refuse(full, unreadable!);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        void Signal(bool relevant)
        {
            if (relevant)
            {
                changed.Release();
            }
        }
    }

    /// <summary>True when at least one signal was waiting.</summary>
    private static bool Drain(SemaphoreSlim s)
    {
        var any = false;
        while (s.Wait(0))
        {
            any = true;
        }
        return any;
    }

    /// <summary>The file's text, through any links, and the hash reloads compare.</summary>
    /// <exception cref="FleetConfigException">The file is missing or cannot be read.</exception>
    public static (string Text, string Hash) Read(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return (text, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetConfigException($"{path}: {e.Message}");
        }
    }

    private void Reload(string full, string text)
    {
        try
        {
            var config = FleetConfigLoader.Parse(text, full);
            var table = state.Apply(config);
            status.Succeeded();
            Log.Reloaded(logger, full, table.Pools.Count, table.Backends.Count);
        }
        catch (FleetConfigException e)
        {
            Refuse(full, e.Message);
        }
    }

    private void Refuse(string full, string reason)
    {
        status.Failed(reason);
        Log.Invalid(logger, full, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reloaded {Path}: {Models} models, {Backends} backends")]
        public static partial void Reloaded(ILogger logger, string path, int models, int backends);

        [LoggerMessage(2, LogLevel.Error, "Kept the running configuration: {Path} is invalid: {Reason}")]
        public static partial void Invalid(ILogger logger, string path, string reason);
    }
}
