using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmFleet.Cli.Tests.Install;

/// <summary>A long-running program (<c>llmfleet sim</c>, <c>serve</c>) started for a test and killed when disposed;
/// what it prints is kept for the test's messages.</summary>
internal sealed partial class RunningProgram : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder printed = new();

    private RunningProgram(Process process) => this.process = process;

    public string Printed
    {
        get
        {
            lock (printed)
            {
                return printed.ToString();
            }
        }
    }

    public static RunningProgram Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var running = new RunningProgram(Process.Start(start)!);
        running.process.OutputDataReceived += (_, e) => running.Append(e.Data);
        running.process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        running.process.BeginOutputReadLine();
        running.process.BeginErrorReadLine();
        return running;
    }

    /// <summary>The first <c>http://host:port</c> the program prints (where it listens).</summary>
    public async Task<Uri> ListeningAsync(TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (Url().Match(Printed) is { Success: true } m)
            {
                return new Uri(m.Value);
            }
            if (process.HasExited)
            {
                break;
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"{process.StartInfo.FileName} printed no address (exited: {process.HasExited}):\n{Printed}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (printed)
            {
                printed.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+")]
    private static partial Regex Url();
}
