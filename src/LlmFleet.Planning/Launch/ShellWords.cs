namespace LlmFleet.Planning.Launch;

/// <summary>Joins arguments into one POSIX shell line, single-quoting those that need it.</summary>
internal static class ShellWords
{
    public static string Join(IEnumerable<string> words) => string.Join(" ", words.Select(Quote));

    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@%~".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
