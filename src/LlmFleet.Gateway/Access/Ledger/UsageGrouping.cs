namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>How <c>llmfleet usage</c> and <c>GET /admin/usage</c> group the ledger.</summary>
public enum UsageGrouping
{
    Key,
    Model,
    Day,
}
