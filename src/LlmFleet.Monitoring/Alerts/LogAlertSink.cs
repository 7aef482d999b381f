using Microsoft.Extensions.Logging;

namespace LlmFleet.Monitoring.Alerts;

/// <summary>Writes each alert transition to the gateway's log: warnings when firing, information when resolved.</summary>
internal sealed partial class LogAlertSink(ILogger<LogAlertSink> logger) : IAlertSink
{
    public void Notify(AlertView alert)
    {
        if (alert.Status == "firing")
        {
            Log.Firing(logger, alert.AlertName, alert.Backend, alert.Evidence);
        }
        else
        {
            Log.Resolved(logger, alert.AlertName, alert.Backend);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Alert {Alert} firing on {Backend}: {Evidence}")]
        public static partial void Firing(ILogger logger, string alert, string backend, string evidence);

        [LoggerMessage(2, LogLevel.Information, "Alert {Alert} resolved on {Backend}")]
        public static partial void Resolved(ILogger logger, string alert, string backend);
    }
}
