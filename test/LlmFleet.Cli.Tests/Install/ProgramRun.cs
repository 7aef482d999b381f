using System.Diagnostics;

namespace LlmFleet.Cli.Tests.Install;

/// <summary>Runs a program to completion (or a time limit) and captures what it printed.</summary>
internal static class ProgramRun
{
    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, TimeSpan limit,
        IReadOnlyDictionary<string, string?>? environment = null, bool clearEnvironment = false)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        if (clearEnvironment)
        {
            start.Environment.Clear();
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit}: {await error}");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>The <c>dotnet</c> that runs these tests.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
