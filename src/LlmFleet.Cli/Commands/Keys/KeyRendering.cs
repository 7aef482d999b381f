using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Access.Keys;
using Spectre.Console;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary>How keys are printed for humans; <c>--json</c> prints <see cref="KeyView"/> as it is.</summary>
internal static class KeyRendering
{
    public static void Details(CliConsole console, KeyView k)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        table.AddRow("id", k.Id);
        table.AddRow("name", Markup.Escape(k.Name));
        table.AddRow("team", Markup.Escape(k.Team ?? "-"));
        table.AddRow("key", k.Masked);
        table.AddRow("status", k.Status);
        table.AddRow("models", Markup.Escape(k.Models.Count == 0 ? "all" : string.Join(", ", k.Models)));
        table.AddRow("limits", Limits(k));
        table.AddRow("expires", k.ExpiresAt?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "never");
        table.AddRow("created", k.CreatedAt.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture));
        if (k.RevokedAt is { } revoked)
        {
            table.AddRow("revoked", revoked.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture));
        }
        console.Ansi.Write(table);
    }

    /// <summary>The one time a key is shown.</summary>
    public static void NewKey(CliConsole console, KeyView k, string verb)
    {
        console.Ansi.MarkupLine($"{verb} key [bold]{k.Id}[/] ({Markup.Escape(k.Name)}). The key is shown once; store it now:");
        console.Out.WriteLine(k.Key);
    }

    public static string Limits(KeyView k)
    {
        var parts = new List<string>();
        void Add(string name, long? value)
        {
            if (value is { } v)
            {
                parts.Add($"{name} {v.ToString("N0", CultureInfo.InvariantCulture)}");
            }
        }
        Add("rpm", k.Rpm);
        Add("tpm", k.Tpm);
        Add("parallel", k.Parallel);
        Add("tokens/day", k.BudgetTokensDay);
        Add("tokens/month", k.BudgetTokensMonth);
        foreach (var (name, usd) in new[] { ("$/day", k.BudgetUsdDay), ("$/month", k.BudgetUsdMonth) })
        {
            if (usd is { } d)
            {
                parts.Add($"{name} {d.ToString("0.00##", CultureInfo.InvariantCulture)}");
            }
        }
        if (k.NoExternal)
        {
            parts.Add("no external");
        }
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
