using System.Net;
using System.Net.Sockets;
using LlmFleet.Cli.Infrastructure;

namespace LlmFleet.Cli.Tests.Sim;

public sealed class SimCommandTests
{
    [Fact]
    public async Task Sim_TwoInstances_ListenOnConsecutivePortsUntilCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePortPair();
        var output = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Task.Run(() => LlmFleetApp.RunAsync(
            ["sim", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--instances", "2", "--speed", "0", "--served-model-name", "glm-test"],
            new CliConsole(TextWriter.Synchronized(output), TextWriter.Null), stop.Token), ct);

        using var http = new HttpClient();
        foreach (var p in new[] { port, port + 1 })
        {
            var models = await GetWhenListeningAsync(http, new Uri($"http://127.0.0.1:{p}/v1/models"), running, ct);
            Assert.Contains("\"glm-test\"", models);
        }
        // The banner is written once both twins are up; they may answer a moment before it is.
        var banner = $"http://127.0.0.1:{port + 1}";
        for (var i = 0; i < 200 && !output.ToString().Contains(banner, StringComparison.Ordinal) && !running.IsCompleted; i++)
        {
            await Task.Delay(25, ct);
        }
        Assert.Contains(banner, output.ToString());

        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }

    [Theory]
    [InlineData("--instances", "0", "--instances")]
    [InlineData("--faults", "explode=1", "--faults")]
    [InlineData("--gpu", "tpu-v9", "tpu-v9")]
    [InlineData("--vllm-version", "0.9", "--vllm-version must be one of 0.11, 0.16, latest")]
    public async Task Sim_BadInput_Exits2NamingTheProblem(string option, string value, string expected)
    {
        var r = await CliRun.RunAsync("sim", "glm-5.2", "--quant", "fp8", "--gpus", "8", "--port", "0", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    /// <summary>A port whose successor is free too (checked, then released; the twins bind them right after).</summary>
    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                second.Stop();
                return port;
            }
            catch (SocketException)
            {
                // The next port is taken: try another pair.
            }
            finally
            {
                first.Stop();
            }
        }
        throw new InvalidOperationException("no two consecutive free ports on loopback");
    }

    private static async Task<string> GetWhenListeningAsync(HttpClient http, Uri uri, Task<int> running, CancellationToken ct)
    {
        for (var i = 0; i < 400; i++)
        {
            if (running.IsCompleted)
            {
                throw new InvalidOperationException($"sim exited early with {await running}");
            }
            try
            {
                return await http.GetStringAsync(uri, ct);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50, ct);
            }
        }
        throw new TimeoutException($"nothing listened at {uri}");
    }
}
