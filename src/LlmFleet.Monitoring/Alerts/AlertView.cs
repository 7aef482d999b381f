namespace LlmFleet.Monitoring.Alerts;

/// <summary>An alert of one rule on one backend, as <c>/admin/alerts</c> and the webhook show it.</summary>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="StartsAt">When it started firing (its condition held for the rule's <c>for</c>).</param>
/// <param name="EndsAt">When it resolved; null while firing.</param>
public sealed record AlertView(
    string Rule,
    string AlertName,
    string Severity,
    string Status,
    int BackendId,
    string Backend,
    string Summary,
    string Evidence,
    double Threshold,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt);

/// <summary>The body of <c>GET /admin/alerts</c>.</summary>
public sealed record AlertsReport(IReadOnlyList<AlertView> Active, IReadOnlyList<AlertView> RecentlyResolved);
