using System.Globalization;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// Validates the hybrid parts of <c>fleet.yaml</c>: external provider backends (<c>provider</c>, <c>prices</c>), a
/// model's <c>fallbacks</c>, <c>spill</c> and internal <c>prices</c>, and team budgets (<c>teams:</c>).
/// </summary>
public static class HybridConfigParser
{
    /// <summary>The one provider kind: any API that speaks OpenAI's <c>/v1</c> wire.</summary>
    public const string OpenAiCompatible = "openai-compatible";

    /// <summary>A backend's <c>provider</c> and <c>prices</c>: both or neither; a provider needs its key.</summary>
    public static (string? Provider, TokenPrices? Prices) Backend(BackendYaml b, string at, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(errors);
        if (b.Provider is null)
        {
            if (b.Prices is not null)
            {
                errors.Add($"{at}.prices: only a provider backend has list prices (self-hosted pools take `prices` on the model)");
            }
            return (null, null);
        }
        if (b.Provider != OpenAiCompatible)
        {
            errors.Add($"{at}.provider: '{b.Provider}' is not a provider kind (one of {OpenAiCompatible})");
        }
        if (string.IsNullOrWhiteSpace(b.ApiKeyEnv))
        {
            errors.Add($"{at}.api_key_env: a provider backend needs the environment variable holding its API key");
        }
        if (string.IsNullOrWhiteSpace(b.ServedModel))
        {
            errors.Add($"{at}.served_model: a provider backend needs the provider's name of the model");
        }
        if (b.Prices is null)
        {
            errors.Add($"{at}.prices: a provider backend needs its list prices ({{ input_per_million, cached_input_per_million, output_per_million }})");
            return (b.Provider, null);
        }
        return (b.Provider, Prices(b.Prices, $"{at}.prices", errors));
    }

    public static TokenPrices Prices(PricesYaml p, string at, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(p);
        var input = Price(p.InputPerMillion, $"{at}.input_per_million", errors, required: true);
        return new TokenPrices
        {
            InputPerMillion = input,
            CachedInputPerMillion = p.CachedInputPerMillion is null ? input : Price(p.CachedInputPerMillion, $"{at}.cached_input_per_million", errors),
            OutputPerMillion = Price(p.OutputPerMillion, $"{at}.output_per_million", errors, required: true),
        };
    }

    /// <summary><c>spill: when_saturated</c>, or <c>spill: { when: when_saturated, max_waiting: 4, max_kv_usage: 0.9 }</c>.</summary>
    public static SpillConfig Spill(object? spill, string at, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var config = new SpillConfig();
        switch (spill)
        {
            case null:
                return config;
            case string word:
                return config with { When = Mode(word, at, errors) };
            case IDictionary<object, object> map:
                foreach (var (k, v) in map)
                {
                    var value = v as string;
                    switch (k as string)
                    {
                        case "when":
                            config = config with { When = Mode(value ?? "", $"{at}.when", errors) };
                            break;
                        case "max_waiting":
                            config = config with { MaxWaiting = Number(value, $"{at}.max_waiting", 0, double.MaxValue, errors) ?? config.MaxWaiting };
                            break;
                        case "max_kv_usage":
                            config = config with { MaxKvUsage = Number(value, $"{at}.max_kv_usage", 0, 1, errors) ?? config.MaxKvUsage };
                            break;
                        default:
                            errors.Add($"{at}.{k}: unknown entry (when, max_waiting, max_kv_usage)");
                            break;
                    }
                }
                return config;
            default:
                errors.Add($"{at}: expected {string.Join(", ", SpillModes.All)} or a mapping with `when:`");
                return config;
        }
    }

    /// <summary>Each model's <c>fallbacks</c> must name other configured models (names or aliases); returned as canonical names.</summary>
    public static IReadOnlyList<ModelConfig> ResolveFallbacks(IReadOnlyList<ModelConfig> models, IReadOnlyDictionary<string, string> names, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(errors);
        var resolved = new List<ModelConfig>(models.Count);
        for (var i = 0; i < models.Count; i++)
        {
            var m = models[i];
            var canonical = new List<string>();
            foreach (var f in m.Fallbacks)
            {
                if (!names.TryGetValue(f, out var target))
                {
                    errors.Add($"models[{i}].fallbacks: '{f}' is not a configured model");
                }
                else if (target == m.Name)
                {
                    errors.Add($"models[{i}].fallbacks: '{f}' is the model itself");
                }
                else if (canonical.Contains(target))
                {
                    errors.Add($"models[{i}].fallbacks: '{f}' is listed twice");
                }
                else
                {
                    canonical.Add(target);
                }
            }
            // Unchanged when there are none, so configurations without fallbacks compare equal (records, by value).
            resolved.Add(m.Fallbacks.Count == 0 ? m : m with { Fallbacks = canonical });
        }
        return resolved;
    }

    /// <summary><c>teams: { research: { budget_usd_day: 50, budget_usd_month: 1000 } }</c>.</summary>
    public static IReadOnlyDictionary<string, TeamBudget> Teams(Dictionary<string, TeamYaml>? teams, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (teams is not { Count: > 0 })
        {
            return AccessConfig.NoTeamBudgets;
        }
        var result = new Dictionary<string, TeamBudget>(StringComparer.Ordinal);
        foreach (var (name, t) in teams)
        {
            var at = $"teams.{name}";
            if (t is null)
            {
                errors.Add($"{at}: expected a mapping with budget_usd_day and/or budget_usd_month");
                continue;
            }
            result[name] = new TeamBudget
            {
                UsdDay = t.BudgetUsdDay is null ? null : Budget(t.BudgetUsdDay, $"{at}.budget_usd_day", errors),
                UsdMonth = t.BudgetUsdMonth is null ? null : Budget(t.BudgetUsdMonth, $"{at}.budget_usd_month", errors),
            };
        }
        return result;
    }

    private static decimal Budget(string text, string at, List<string> errors)
    {
        var value = Price(text, at, errors);
        if (value <= 0)
        {
            errors.Add($"{at}: a budget must be more than 0 dollars (leave it out for no budget)");
        }
        return value;
    }

    private static decimal Price(string? text, string at, List<string> errors, bool required = false)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add($"{at}: required (dollars per million tokens)");
            }
            return 0;
        }
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || price < 0)
        {
            errors.Add($"{at}: '{text}' is not an amount in dollars (a number ≥ 0)");
            return 0;
        }
        return price;
    }

    private static double? Number(string? text, string at, double min, double max, List<string> errors)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{at}: '{text}' is not a number in {min.ToString(CultureInfo.InvariantCulture)}–{(max == double.MaxValue ? "∞" : max.ToString(CultureInfo.InvariantCulture))}");
            return null;
        }
        return value;
    }

    private static string Mode(string when, string at, List<string> errors)
    {
        if (SpillModes.All.Contains(when))
        {
            return when;
        }
        errors.Add($"{at}: '{when}' is not one of {string.Join(", ", SpillModes.All)}");
        return SpillModes.WhenDown;
    }
}
