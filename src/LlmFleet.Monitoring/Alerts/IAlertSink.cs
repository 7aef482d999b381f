namespace LlmFleet.Monitoring.Alerts;

/// <summary>Where alerts go when they start firing or resolve: the log always, a webhook when configured.</summary>
public interface IAlertSink
{
    /// <summary>Called on the evaluator's loop; must not block it (queue slow work).</summary>
    void Notify(AlertView alert);
}
