using System.Net.Sockets;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>The Redis and PostgreSQL servers <c>.ci/run</c> starts, named by <c>LLMFLEET_TEST_REDIS</c> (host:port) and
/// <c>LLMFLEET_TEST_POSTGRES</c> (postgres://…); tests that need one skip, saying why, when it is absent.</summary>
internal static class ServiceEnvironment
{
    public static string RedisUrl()
    {
        var hostPort = Environment.GetEnvironmentVariable("LLMFLEET_TEST_REDIS");
        if (string.IsNullOrEmpty(hostPort))
        {
            Assert.Skip("LLMFLEET_TEST_REDIS is not set (host:port of a Redis server; .ci/run starts one)");
        }
        RequireListening(hostPort, "Redis");
        return "redis://" + hostPort;
    }

    public static string PostgresUrl()
    {
        var url = Environment.GetEnvironmentVariable("LLMFLEET_TEST_POSTGRES");
        if (string.IsNullOrEmpty(url))
        {
            Assert.Skip("LLMFLEET_TEST_POSTGRES is not set (postgres://user:password@host:port/db; .ci/run starts one)");
        }
        var uri = new Uri(url);
        RequireListening($"{uri.Host}:{(uri.Port > 0 ? uri.Port : 5432)}", "PostgreSQL");
        return url;
    }

    private static void RequireListening(string hostPort, string what)
    {
        var colon = hostPort.LastIndexOf(':');
        try
        {
            using var client = new TcpClient();
            client.Connect(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (SocketException e)
        {
            Assert.Skip($"{what} at {hostPort} does not answer: {e.Message}");
        }
    }
}
