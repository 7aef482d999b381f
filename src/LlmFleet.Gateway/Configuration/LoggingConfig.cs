namespace LlmFleet.Gateway.Configuration;

/// <summary>The <c>logging:</c> section of <c>fleet.yaml</c>. Read at start.</summary>
public sealed record LoggingConfig
{
    public const string Json = "json";
    public const string Text = "text";

    /// <summary><see cref="Json"/> (one JSON object per line) or <see cref="Text"/>; null (default): text when the
    /// output is a terminal, JSON otherwise (a service manager, a container, a file).</summary>
    public string? Format { get; init; }

    /// <summary>Validates <c>logging:</c>; problems are added to <paramref name="errors"/>.</summary>
    public static LoggingConfig Parse(LoggingYaml? yaml, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (yaml?.Format is not { } format)
        {
            return new LoggingConfig();
        }
        if (format is not (Json or Text))
        {
            errors.Add($"logging.format: '{format}' is not `json` or `text`");
            return new LoggingConfig();
        }
        return new LoggingConfig { Format = format };
    }
}

public sealed class LoggingYaml
{
    public string? Format { get; set; }
}
