using Prometheus;

namespace LlmFleet.Gateway.Access;

/// <summary>Metrics of the access layer, in the gateway's registry. Labels never carry a key, masked or not.</summary>
public sealed class AccessMetrics
{
    private readonly Counter _refused;

    public AccessMetrics(CollectorRegistry registry)
    {
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        _refused = f.CreateCounter("llmfleet_access_refused_total",
            "Requests refused before forwarding, by status and reason (missing, unknown, revoked, expired, model, rpm, tpm, parallel, budget_day, budget_month, budget_usd; jwt_expired, jwt_audience, jwt_issuer, jwt_signature, jwt_unknown_kid, jwt_unsigned, jwt_algorithm, jwt_malformed, jwt_claims … for tokens).",
            "status", "reason");
    }

    public void Refused(int status, string reason) =>
        _refused.WithLabels(status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason).Inc();
}
