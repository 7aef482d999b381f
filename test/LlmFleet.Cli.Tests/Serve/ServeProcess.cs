using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmFleet.Cli.Tests.Serve;

/// <summary>What the tests that run <c>llmfleet serve</c> as a child process share: a free port and waiting for it.</summary>
internal static class ServeProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <c>/health</c> for up to 30 s; fails with the process's output if it exits first.</summary>
    public static async Task WaitForHealthAsync(HttpClient client, Process gateway, Func<string> output)
    {
        for (var i = 0; i < 300; i++)
        {
            if (gateway.HasExited)
            {
                Assert.Fail($"llmfleet serve exited with {gateway.ExitCode}: {output()}");
            }
            try
            {
                using var response = await client.GetAsync("health", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail("llmfleet serve did not become healthy within 30 s");
    }
}
