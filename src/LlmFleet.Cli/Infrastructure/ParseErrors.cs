using System.Text.RegularExpressions;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>
/// Turns Spectre's terse parse errors ("Unknown option 'qaunt'.") into one line that names the command and the closest
/// known name: <c>unknown option '--qaunt' for 'plan'; did you mean '--quant'?</c>. A typo must be caught and explained,
/// never silently dropped: a mistyped --quant once planned bf16 instead of fp8 with exit code 0.
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>The one-line message for <paramref name="e"/>; Spectre's own message when it is not about an unknown
    /// option or command, or when the command model is not at hand.</summary>
    public static string Describe(CommandParseException e, IReadOnlyList<string> args, ICommandModel? model)
    {
        if (model is null)
        {
            return e.Message;
        }
        if (UnknownOptionMessage().Match(e.Message) is { Success: true } option)
        {
            return UnknownOption(option.Groups[1].Value, args, model) ?? e.Message;
        }
        if (UnknownCommandMessage().Match(e.Message) is { Success: true } command)
        {
            return UnknownCommand(command.Groups[1].Value, args, model);
        }
        if (UnexpectedOptionMessage().Match(e.Message) is { Success: true } rootOption)
        {
            // Before any command: there is no command whose options could be meant.
            var (typed, _) = Locate(rootOption.Groups[1].Value, args);
            return $"unknown option '{typed}' before a command; see 'llmfleet --help'";
        }
        return e.Message;
    }

    /// <summary>The candidate closest to <paramref name="typed"/>, or null when none is close enough to be a typo.
    /// Distance is Levenshtein plus adjacent transpositions (optimal string alignment): "qaunt" is one edit from
    /// "quant", not two. Ties go to the candidate of the typed length. Close enough: at most a third of the typed length, at least 1, at most 3 — so "--zzzzzz"
    /// gets no suggestion rather than a random one.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var limit = Math.Clamp(typed.Length / 3, 1, 3);
        string? best = null;
        (int Edits, int LengthGap) bestScore = (int.MaxValue, int.MaxValue);
        foreach (var candidate in candidates)
        {
            // On a tie the one of the typed length wins: "gpsu" is one edit from "gpu" and from "gpus", but a swap is
            // the likelier slip.
            var score = (Distance(typed.ToUpperInvariant(), candidate.ToUpperInvariant()), Math.Abs(candidate.Length - typed.Length));
            if (score.CompareTo(bestScore) < 0)
            {
                (best, bestScore) = (candidate, score);
            }
        }
        return bestScore.Edits <= limit ? best : null;
    }

    /// <summary>Edits (insert, delete, substitute, swap two adjacent characters) that turn <paramref name="a"/> into
    /// <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    private static string? UnknownOption(string name, IReadOnlyList<string> args, ICommandModel model)
    {
        var (typed, at) = Locate(name, args);
        if (CommandAt(args, at < 0 ? args.Count : at, model) is not { } command)
        {
            return null;
        }

        var message = $"unknown option '{typed}' for '{PathOf(command)}'";
        // Short options are one letter: every other letter is one edit away, so a suggestion would be noise.
        var suggestion = typed.StartsWith("--", StringComparison.Ordinal) ? Closest(name, KnownLongOptions(command)) : null;
        return suggestion is null
            ? $"{message}; see 'llmfleet {PathOf(command)} --help'"
            : $"{message}; did you mean '--{suggestion}'?";
    }

    /// <summary>The option as typed and the index of its argument (-1 if not found). Spectre reports the bare name
    /// ("qaunt" for --qaunt or --qaunt=fp8, "x" for -x); the arguments say which form it was.</summary>
    private static (string Typed, int At) Locate(string name, IReadOnlyList<string> args)
    {
        var longForm = "--" + name;
        var at = IndexOf(args, a => a == longForm || a.StartsWith(longForm + "=", StringComparison.Ordinal)
            || a.StartsWith(longForm + ":", StringComparison.Ordinal));
        if (at >= 0)
        {
            return (longForm, at);
        }
        at = IndexOf(args, a => a.Length > 1 && a[0] == '-' && a[1] != '-' && a.Contains(name, StringComparison.Ordinal));
        return ("-" + name, at);
    }

    private static string UnknownCommand(string name, IReadOnlyList<string> args, ICommandModel model)
    {
        var at = IndexOf(args, a => a == name);
        var command = CommandAt(args, at < 0 ? args.Count : at, model);
        ICommandContainer container = command is null ? model : command;
        var names = container.Commands.Where(c => !c.IsHidden && !c.IsDefaultCommand).Select(c => c.Name).ToList();
        if (command is not null && names.Count == 0)
        {
            // Spectre says "unknown command" for a stray word after a command that takes no (more) arguments.
            return $"unexpected argument '{name}' for '{PathOf(command)}'; see 'llmfleet {PathOf(command)} --help'";
        }
        var message = command is null ? $"unknown command '{name}'" : $"unknown command '{name}' for '{PathOf(command)}'";
        return Closest(name, names) is { } suggestion
            ? $"{message}; did you mean '{suggestion}'?"
            : $"{message}; see 'llmfleet {(command is null ? "" : PathOf(command) + " ")}--help'";
    }

    /// <summary>The command or branch the words before <paramref name="end"/> select, as Spectre walks them: each word
    /// that names a subcommand of the current one descends into it. Null at the root.</summary>
    private static ICommandInfo? CommandAt(IReadOnlyList<string> args, int end, ICommandModel model)
    {
        ICommandContainer container = model;
        ICommandInfo? command = null;
        for (var i = 0; i < end && args[i] != "--"; i++)
        {
            if (container.Commands.FirstOrDefault(c => c.Name == args[i] && !c.IsDefaultCommand) is { } child)
            {
                (container, command) = (child, child);
            }
        }
        return command;
    }

    /// <summary>Long option names (without "--") of the command, of the branches above it (inherited), of a branch's default command (what
    /// <c>models --json</c> runs), and --help.</summary>
    private static IEnumerable<string> KnownLongOptions(ICommandInfo command)
    {
        var commands = new List<ICommandInfo>();
        for (var c = command; c is not null; c = c.Parent)
        {
            commands.Add(c);
        }
        if (command.DefaultCommand is { } fallback)
        {
            commands.Add(fallback);
        }
        return commands.SelectMany(c => c.Parameters).OfType<ICommandOption>().Where(o => !o.IsHidden)
            .SelectMany(o => o.LongNames).Append("help").Distinct();
    }

    private static string PathOf(ICommandInfo command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent)
        {
            names.Insert(0, c.Name);
        }
        return string.Join(' ', names);
    }

    private static int IndexOf(IReadOnlyList<string> args, Func<string, bool> match)
    {
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            if (match(args[i]))
            {
                return i;
            }
        }
        return -1;
    }

    // Spectre.Console.Cli 0.57's wording (CommandParseException.UnknownOption, UnknownCommand, UnexpectedOption); the
    // tests pin it, so an upgrade that rewords them fails a test instead of losing the suggestions.
    [GeneratedRegex(@"^Unknown option '(.+)'\.$")]
    private static partial Regex UnknownOptionMessage();

    [GeneratedRegex(@"^Unknown command '(.+)'\.$")]
    private static partial Regex UnknownCommandMessage();

    [GeneratedRegex(@"^Unexpected option '(.+)'\.$")]
    private static partial Regex UnexpectedOptionMessage();
}
