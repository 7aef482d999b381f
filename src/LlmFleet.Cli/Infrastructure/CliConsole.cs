using Spectre.Console;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>
/// Where a command writes: human output through Spectre.Console, machine output (<c>--json</c>) as plain text on
/// standard output, errors on standard error. Tests pass writers of their own.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool ansi = false, int width = 160)
    {
        Out = output;
        Error = error;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ansi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = ansi ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!ansi)
        {
            Ansi.Profile.Width = width;
        }
    }

    /// <summary>Standard output, for JSON and other text meant for programs.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error, for messages about failures.</summary>
    public TextWriter Error { get; }

    /// <summary>Rich output for people: tables, colours, progress.</summary>
    public IAnsiConsole Ansi { get; }

    public static CliConsole System() =>
        new(Console.Out, Console.Error, ansi: !Console.IsOutputRedirected);
}
