namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>How <c>llmfleet usage</c> and <c>GET /admin/usage</c> group the ledger.</summary>
public enum UsageGrouping
{
    Key,
    Model,
    Day,
    Team,
    Provider,
}

/// <summary>The names of <see cref="UsageGrouping"/> as <c>--by</c> and <c>?by=</c> take them.</summary>
public static class UsageGroupings
{
    /// <exception cref="ArgumentException">Not one of the names.</exception>
    public static UsageGrouping Parse(string by) => by switch
    {
        "key" => UsageGrouping.Key,
        "team" => UsageGrouping.Team,
        "model" => UsageGrouping.Model,
        "provider" => UsageGrouping.Provider,
        "day" => UsageGrouping.Day,
        _ => throw new ArgumentException($"by: '{by}' is not key, team, model, provider or day"),
    };
}
