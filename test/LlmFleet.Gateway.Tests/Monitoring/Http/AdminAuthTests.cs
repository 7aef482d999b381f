using System.Net;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Monitoring.Http;

/// <summary>
/// The admin surfaces behind the admin key: <c>/admin/fleet</c> and <c>/admin/alerts</c> (the dashboard's data) and
/// drain. Every request of these tests comes from 127.0.0.1, which gives no privilege unless
/// <c>admin.allow_loopback</c> says so.
/// </summary>
public sealed class AdminAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("admin/fleet")]
    [InlineData("admin/alerts")]
    public async Task ReadViews_WithoutTheKey_Are401_WithIt200(string path)
    {
        await using var fleet = await new FleetBuilder().Twins(1).Monitored().StartAsync();

        using var anonymous = await fleet.Client.GetAsync(path, Ct);
        using var wrong = await fleet.Client.SendAsync(WithKey(HttpMethod.Get, path, "not-the-key"), Ct);
        using var admin = await fleet.Admin.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("admin key", await anonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        if (path == "admin/fleet")
        {
            Assert.Contains(fleet.Twins[0].BaseAddress.Authority, await admin.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Drain_FromLoopbackWithoutTheKey_Is401_AndChangesNothing()
    {
        await using var fleet = await new FleetBuilder().Twins(1).Monitored().StartAsync();

        using var response = await fleet.Client.PostAsync("admin/backends/1/drain", null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("up", (await fleet.WaitForFleetAsync(f => f.AllBackends().Single().Status != "unknown", "a probe")).AllBackends().Single().Status);
    }

    [Fact]
    public async Task PublicRead_OpensTheReadViewsOnly()
    {
        await using var fleet = await new FleetBuilder().Twins(1).Monitored(m => m with { PublicRead = true }).StartAsync();

        using var fleetView = await fleet.Client.GetAsync("admin/fleet", Ct);
        using var alerts = await fleet.Client.GetAsync("admin/alerts", Ct);
        using var drain = await fleet.Client.PostAsync("admin/backends/1/drain", null, Ct);

        Assert.Equal(HttpStatusCode.OK, fleetView.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, drain.StatusCode);
    }

    [Fact]
    public async Task AllowLoopback_LetsThisMachineDrainWithoutTheKey()
    {
        await using var fleet = await new FleetBuilder().Twins(1).Monitored()
            .ChangeConfig(c => c with { Access = c.Access with { AdminAllowLoopback = true } }).StartAsync();

        using var drain = await fleet.Client.PostAsync("admin/backends/1/drain", null, Ct);

        Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
    }

    [Fact]
    public async Task NoAdminKeySet_Is403NamingTheVariable()
    {
        var access = new AccessConfig { AdminKeyEnv = "LLMFLEET_TEST_UNSET_" + Guid.NewGuid().ToString("N") };
        await using var fleet = await new FleetBuilder().Twins(1).Monitored().ChangeConfig(c => c with { Access = access }).StartAsync();

        using var response = await fleet.Client.GetAsync("admin/fleet", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(access.AdminKeyEnv, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_PageIsServedWithoutTheKey_AndRedirectsRelatively()
    {
        await using var fleet = await new FleetBuilder().Twins(1).Monitored().StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fleet.Gateway.BaseAddress };

        using var bare = await http.GetAsync("dashboard", Ct);
        using var page = await http.GetAsync("dashboard/", Ct);

        // Relative, so a proxy serving the gateway under /some/prefix/ sends the browser to /some/prefix/dashboard/.
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("dashboard/", bare.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"login-key\"", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static HttpRequestMessage WithKey(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
