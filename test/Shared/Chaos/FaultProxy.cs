using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace LlmFleet.Testing.Chaos;

/// <summary>
/// A TCP proxy on 127.0.0.1 between a client (the gateway) and one upstream (a twin, Redis, PostgreSQL), whose
/// <see cref="Faults"/> change at run time: latency and jitter, resets, stalls, a bandwidth cap, a blackhole and
/// partitions. The kernels we test on have no netem qdisc and no iptables, so these faults are made here, in user
/// space, where every test can reach them without privileges.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private const int ChunkBytes = 16 * 1024;

    private readonly EndPoint _upstream;
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private volatile ProxyFaults _faults = ProxyFaults.None;
    private TaskCompletionSource _changed = NewSignal();
    private Socket? _listener;
    private long _accepted;
    private long _resets;

    private FaultProxy(EndPoint upstream)
    {
        _upstream = upstream;
        Listen(0);
    }

    /// <summary>Starts a proxy to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static FaultProxy Start(string host, int port) =>
        new(IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port));

    /// <summary>Starts a proxy to the host and port of <paramref name="upstream"/> (an http:// or redis:// address).</summary>
    public static FaultProxy Start(Uri upstream) => Start(upstream.Host, upstream.Port);

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:port/</c>: the upstream's address as the client should use it.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections reset by <see cref="ProxyFaults.ResetProbability"/> or a refusing partition.</summary>
    public long Resets => Interlocked.Read(ref _resets);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _links.Count;

    /// <summary>The faults in force. Setting a refusing partition closes the port and resets every open connection;
    /// lifting it opens the same port again; a hanging partition holds data until it lifts (as TCP retransmits).</summary>
    public ProxyFaults Faults
    {
        get => _faults;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            TaskCompletionSource changed;
            lock (_lock)
            {
                var before = _faults;
                _faults = value;
                if (value.Partition == PartitionMode.Refuse && before.Partition != PartitionMode.Refuse)
                {
                    _listener?.Dispose();
                    _listener = null;
                    foreach (var link in _links.Keys)
                    {
                        Reset(link);
                    }
                }
                else if (value.Partition != PartitionMode.Refuse && _listener is null)
                {
                    Listen(Port);
                }
                changed = _changed;
                _changed = NewSignal();
            }
            changed.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _listener = listener;
        _ = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // closed by a refusing partition or by DisposeAsync
            }
            Interlocked.Increment(ref _accepted);
            client.NoDelay = true;
            _ = ServeAsync(new Link(client));
        }
    }

    private async Task ServeAsync(Link link)
    {
        _links[link] = 0;
        try
        {
            if (_faults.Blackhole)
            {
                await DiscardAsync(link.Client);
                return;
            }
            await WhilePartitionedAsync(link);
            link.Upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await link.Upstream.ConnectAsync(_upstream, link.Token);
            await Task.WhenAll(ClientToUpstreamAsync(link), UpstreamToClientAsync(link));
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
        }
        finally
        {
            _links.TryRemove(link, out _);
            link.Close();
        }
    }

    private async Task DiscardAsync(Socket client)
    {
        var buffer = new byte[ChunkBytes];
        while (await client.ReceiveAsync(buffer, _stop.Token) > 0)
        {
        }
    }

    private async Task ClientToUpstreamAsync(Link link)
    {
        var buffer = new byte[ChunkBytes];
        while (true)
        {
            var n = await link.Client.ReceiveAsync(buffer, link.Token);
            if (n == 0)
            {
                link.Close();
                return;
            }
            var faults = _faults;
            if (faults.ResetProbability > 0 && Random.Shared.NextDouble() < faults.ResetProbability)
            {
                Reset(link);
                return;
            }
            if (faults.StallProbability > 0 && Random.Shared.NextDouble() < faults.StallProbability)
            {
                link.Stalled = true;
            }
            await WhilePartitionedAsync(link);
            await link.Upstream!.SendAsync(buffer.AsMemory(0, n), link.Token);
        }
    }

    /// <summary>Reads upstream bytes as they come, stamped with when they may be delivered; a second loop delivers
    /// them in order at that time, so latency delays bytes without cutting throughput.</summary>
    private async Task UpstreamToClientAsync(Link link)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var deliver = DeliverAsync(link, chunks.Reader);
        long lastDue = 0;
        try
        {
            while (true)
            {
                var buffer = new byte[ChunkBytes];
                var n = await link.Upstream!.ReceiveAsync(buffer, link.Token);
                if (n == 0)
                {
                    break;
                }
                var faults = _faults;
                var delay = faults.Latency + (faults.Jitter > TimeSpan.Zero ? faults.Jitter * Random.Shared.NextDouble() : TimeSpan.Zero);
                var due = Math.Max(lastDue, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
                lastDue = due;
                chunks.Writer.TryWrite((buffer[..n], due));
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
        }
        await deliver;
        link.Close();
    }

    private async Task DeliverAsync(Link link, ChannelReader<(byte[] Data, long Due)> chunks)
    {
        await foreach (var (data, due) in chunks.ReadAllAsync(link.Token))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, link.Token);
            }
            await WhilePartitionedAsync(link);
            var bps = _faults.BytesPerSecond;
            if (bps <= 0)
            {
                await link.Client.SendAsync(data, link.Token);
                continue;
            }
            // The cap: at most a tenth of a second's worth at a time, then wait that long.
            var slice = (int)Math.Max(1, Math.Min(data.Length, bps / 10));
            for (var at = 0; at < data.Length; at += slice)
            {
                var piece = Math.Min(slice, data.Length - at);
                await link.Client.SendAsync(data.AsMemory(at, piece), link.Token);
                await Task.Delay(TimeSpan.FromSeconds((double)piece / bps), link.Token);
            }
        }
    }

    /// <summary>Returns once data may flow on <paramref name="link"/>: not while a hanging partition lasts, never on a
    /// stalled connection (until it closes).</summary>
    private async Task WhilePartitionedAsync(Link link)
    {
        while (link.Stalled || _faults.Partition == PartitionMode.Hang)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }
            if (!link.Stalled && _faults.Partition != PartitionMode.Hang)
            {
                return;
            }
            await changed.WaitAsync(link.Token);
        }
    }

    private void Reset(Link link)
    {
        Interlocked.Increment(ref _resets);
        link.Reset();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        lock (_lock)
        {
            _listener?.Dispose();
            _listener = null;
        }
        foreach (var link in _links.Keys)
        {
            link.Close();
        }
        _stop.Dispose();
    }

    /// <summary>One proxied connection: the client's socket and the one to the upstream.</summary>
    private sealed class Link(Socket client)
    {
        private readonly CancellationTokenSource _closed = new();
        private int _done;

        public Socket Client { get; } = client;

        public Socket? Upstream { get; set; }

        private volatile bool _stalled;

        /// <summary>Chosen by <see cref="ProxyFaults.StallProbability"/>: relays nothing more.</summary>
        public bool Stalled
        {
            get => _stalled;
            set => _stalled = value;
        }

        public CancellationToken Token => _closed.Token;

        /// <summary>Ends both sides with RST (linger 0), as a crashed or refusing peer does.</summary>
        public void Reset()
        {
            Client.LingerState = new LingerOption(true, 0);
            if (Upstream is { } up)
            {
                up.LingerState = new LingerOption(true, 0);
            }
            Close();
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }
            _closed.Cancel();
            Client.Dispose();
            Upstream?.Dispose();
        }
    }
}
