using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Configuration;

/// <summary><c>admin:</c> and <c>monitoring.public_read</c> in <c>fleet.yaml</c>: both closed unless written out.</summary>
public sealed class AdminConfigTests
{
    private const string Models = "models: [{ name: m, backends: [{ url: http://10.0.0.1:8000 }] }]\n";

    [Fact]
    public void Parse_Nothing_KeepsAdminSurfacesClosed()
    {
        var config = FleetConfigLoader.Parse(Models);

        Assert.False(config.Access.AdminAllowLoopback);
        Assert.False(config.Monitoring.PublicRead);
    }

    [Fact]
    public void Parse_AllowLoopbackAndPublicRead_AreRead()
    {
        var config = FleetConfigLoader.Parse(Models + "admin: { allow_loopback: true }\nmonitoring: { public_read: true }\n");

        Assert.True(config.Access.AdminAllowLoopback);
        Assert.True(config.Monitoring.PublicRead);
    }

    [Fact]
    public void Parse_UnknownAdminKey_IsAnError()
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(Models + "admin: { allow_loopbak: true }\n"));

        Assert.Contains("allow_loopbak", e.Message, StringComparison.Ordinal);
    }
}

/// <summary><c>logging:</c> in <c>fleet.yaml</c>.</summary>
public sealed class LoggingConfigTests
{
    private const string Models = "models: [{ name: m, backends: [{ url: http://10.0.0.1:8000 }] }]\n";

    [Theory]
    [InlineData("", null)]
    [InlineData("logging: { format: json }\n", "json")]
    [InlineData("logging: { format: text }\n", "text")]
    public void Parse_Format_IsReadOrLeftToTheTerminal(string yaml, string? format) =>
        Assert.Equal(format, FleetConfigLoader.Parse(Models + yaml).Logging.Format);

    [Fact]
    public void Parse_UnknownFormat_NamesTheChoices()
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(Models + "logging: { format: xml }\n"));

        Assert.Contains("logging.format: 'xml' is not `json` or `text`", e.Message, StringComparison.Ordinal);
    }
}
