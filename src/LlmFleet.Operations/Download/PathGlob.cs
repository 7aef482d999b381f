using System.Text;
using System.Text.RegularExpressions;

namespace LlmFleet.Operations.Download;

/// <summary>
/// Glob patterns as huggingface_hub filters files (<c>filter_repo_objects</c>, Python's fnmatch): '*' matches any
/// run of characters including '/', '?' one character, '[…]' a class; a pattern ending in '/' matches everything
/// under it. So "UD-IQ2_XXS/*" selects a GGUF sub-folder and "*.safetensors" every shard.
/// </summary>
public static class PathGlob
{
    public static bool Matches(string path, string pattern) => ToRegex(pattern).IsMatch(path);

    /// <summary>Included (by any include pattern, or no patterns) and not excluded.</summary>
    public static bool Selects(string path, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude) =>
        (include is null || include.Count == 0 || include.Any(p => Matches(path, p)))
        && (exclude is null || !exclude.Any(p => Matches(path, p)));

    private static Regex ToRegex(string pattern)
    {
        if (pattern.EndsWith('/'))
        {
            pattern += "*";
        }
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when pattern.IndexOf(']', i + 1) is var end and > 0:
                    var body = pattern[(i + 1)..end];
                    regex.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
