using LlmFleet.Gateway.Configuration;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Observability;

/// <summary>The console log: JSON lines (Microsoft.Extensions.Logging's JSON formatter) or single-line text, both
/// with each request's scope (its request id) on every line.</summary>
public static class GatewayLogging
{
    public static void AddConsole(ILoggingBuilder logging, LoggingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var json = config.Format switch
        {
            LoggingConfig.Json => true,
            LoggingConfig.Text => false,
            _ => Console.IsOutputRedirected,
        };
        if (json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }
    }
}
