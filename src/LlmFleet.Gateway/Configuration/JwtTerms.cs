using System.Globalization;
using System.Text.Json;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// What a token's claims may say about its caller, named as in <c>auth.jwt.claims</c> and <c>auth.jwt.defaults</c>:
/// the same terms a gateway key has (<c>keys create</c>). One place reads a value, from a claim or a default alike:
/// numbers may be JSON numbers or numeric strings, <c>models</c> a list or a space-separated string (as OAuth's
/// <c>scope</c>), <c>no_external</c> a boolean or <c>"true"</c>/<c>"false"</c>.
/// </summary>
public static class JwtTerms
{
    /// <summary>Who the caller is; the ledger records <c>jwt:&lt;subject&gt;</c> as its key id.</summary>
    public const string Subject = "subject";

    public const string Team = "team";

    public const string Models = "models";

    public const string Rpm = "rpm";

    public const string Tpm = "tpm";

    public const string Parallel = "parallel";

    public const string BudgetDay = "budget_day";

    public const string BudgetMonth = "budget_month";

    public const string BudgetUsdDay = "budget_usd_day";

    public const string BudgetUsdMonth = "budget_usd_month";

    public const string NoExternal = "no_external";

    public static IReadOnlyList<string> All { get; } =
        [Subject, Team, Models, Rpm, Tpm, Parallel, BudgetDay, BudgetMonth, BudgetUsdDay, BudgetUsdMonth, NoExternal];

    /// <summary>Null when <paramref name="value"/> is a valid value of <paramref name="term"/>; else what it should be.</summary>
    public static string? Check(string term, JsonElement value) => term switch
    {
        Subject or Team => TryText(value, out _) ? null : "a non-empty string",
        Models => TryList(value, out _) ? null : "a list of model names or a space-separated string",
        BudgetUsdDay or BudgetUsdMonth => TryDollars(value, out _) ? null : "a number of dollars ≥ 0",
        NoExternal => TryFlag(value, out _) ? null : "true or false",
        _ => TryWhole(value, out _) ? null : "a whole number ≥ 0",
    };

    public static bool TryText(JsonElement value, out string text)
    {
        text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
        return text.Length > 0;
    }

    public static bool TryList(JsonElement value, out IReadOnlyList<string> list)
    {
        list = [];
        if (value.ValueKind == JsonValueKind.String)
        {
            list = value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return true;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (!TryText(item, out var name))
            {
                return false;
            }
            items.Add(name);
        }
        list = items;
        return true;
    }

    public static bool TryWhole(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out number) && number >= 0,
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    public static bool TryDollars(JsonElement value, out decimal dollars)
    {
        dollars = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out dollars) && dollars >= 0,
            JsonValueKind.String => decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out dollars),
            _ => false,
        };
    }

    public static bool TryFlag(JsonElement value, out bool flag)
    {
        flag = value.ValueKind == JsonValueKind.True;
        return value.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => true,
            JsonValueKind.String => bool.TryParse(value.GetString(), out flag),
            _ => false,
        };
    }
}
