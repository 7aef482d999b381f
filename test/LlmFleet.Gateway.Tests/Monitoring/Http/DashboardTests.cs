using LlmFleet.Simulation;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace LlmFleet.Gateway.Tests.Monitoring.Http;

/// <summary>
/// The dashboard in real headless Chromium (Debian's <c>chromium</c> + <c>chromium-driver</c>): it loads from the
/// gateway alone, asks for the admin key, shows every backend with live figures, and turns a backend red with its alert when a fault is
/// injected. Screenshots are kept under the test output folder (<c>screenshots/</c>).
/// </summary>
public sealed class DashboardTests
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Dashboard_InChromium_ShowsBackendsThenTheInjectedFault()
    {
        var driverPath = RequiresTool.OrSkip("chromedriver", "chromium-driver");
        var browser = RequiresTool.Find("chromium") ?? RequiresTool.OrSkip("chromium-browser", "chromium");
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin(), MonitoredFleet.Twin(), MonitoredFleet.Twin()]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "backends up");
        using var traffic = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!traffic.IsCancellationRequested)
            {
                await fleet.LoadAsync(count: 6, concurrency: 3, maxTokens: 24);
            }
        }, TestContext.Current.CancellationToken);

        using var driver = StartChromium(driverPath, browser);
        driver.Navigate().GoToUrl(new Uri(fleet.Gateway.BaseAddress, "dashboard/?interval_ms=300"));
        // The fleet's data needs the admin key: the page asks for it once and keeps it in the tab's session storage.
        Until(driver, d => d.FindElement(By.Id("login")).Displayed, "the page to ask for the admin key");
        driver.FindElement(By.Id("login-key")).SendKeys(fleet.AdminKey!);
        driver.FindElement(By.CssSelector("#login button")).Click();
        Until(driver, d => d.FindElements(By.CssSelector("article.card")).Count == 3, "three backend cards");
        Until(driver, d => d.FindElements(By.CssSelector("article.card .status")).All(s => s.Text.Equals("UP", StringComparison.OrdinalIgnoreCase)), "every backend up");
        Until(driver, d => d.FindElements(By.CssSelector("[data-metric=gen]")).All(e => e.Text is not ("–" or "0")), "generated tokens/s on every card");
        Until(driver, d => d.FindElements(By.CssSelector("#chart-gen polyline")).Count == 3, "a line per backend in the tokens/s chart");
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        Save(driver, "dashboard-healthy.png");
        Until(driver, d => d.FindElement(By.Id("kpi-alerts")).Text == "0", "no alerts while healthy");

        await fleet.InjectAsync(1, new FaultOptions { Unhealthy = true });
        Until(driver, d => d.FindElement(By.Id("backend-2")).FindElement(By.CssSelector(".status")).Text.Equals("DOWN", StringComparison.OrdinalIgnoreCase), "backend 2 shown down");
        Until(driver, d => d.FindElements(By.CssSelector(".alert[data-rule=backend_down]")).Count == 1, "the backend_down alert shown");
        Until(driver, d => d.FindElement(By.Id("kpi-up")).Text == "2 / 3", "the header counting 2 of 3 up");
        Until(driver, d => d.FindElement(By.Id("backend-2")).GetAttribute("class")!.Contains("down", StringComparison.Ordinal), "backend 2's card marked down");
        Save(driver, "dashboard-backend-down.png");

        await fleet.InjectAsync(1, FaultOptions.None);
        Until(driver, d => d.FindElements(By.CssSelector(".alert")).Count == 0, "the alert gone once the fault is cleared");
        await traffic.CancelAsync();
        await load;
    }

    private static ChromeDriver StartChromium(string driverPath, string browser)
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static void Until(IWebDriver driver, Func<IWebDriver, bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition(driver))
                {
                    return;
                }
            }
            catch (WebDriverException)
            {
                // The page re-renders every poll; an element can go stale between find and read.
            }
            if (clock.Elapsed > RunningFleet.Patience)
            {
                Save(driver, "dashboard-timeout.png");
                Assert.Fail($"timed out waiting for {what}");
            }
            Thread.Sleep(100);
        }
    }

    private static void Save(IWebDriver driver, string name)
    {
        Directory.CreateDirectory(Screenshots);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name));
    }
}
