using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Access.Keys;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary><c>llmfleet keys create --name N [...]</c>: a new key, printed once.</summary>
internal sealed class KeysCreateCommand(CliConsole console, TimeProvider time) : AsyncCommand<KeysCreateCommand.Settings>
{
    public sealed class Settings : FleetStoreSettings
    {
        [CommandOption("--name <NAME>")]
        [Description("What the key is for (an application or a person).")]
        public string? Name { get; init; }

        [CommandOption("--team <TEAM>")]
        public string? Team { get; init; }

        [CommandOption("--models <LIST>")]
        [Description("Comma-separated models (names or aliases) the key may use. Default: all.")]
        public string? Models { get; init; }

        [CommandOption("--rpm <N>")]
        [Description("Requests per minute.")]
        public long? Rpm { get; init; }

        [CommandOption("--tpm <N>")]
        [Description("Tokens (prompt + completion) per minute.")]
        public long? Tpm { get; init; }

        [CommandOption("--parallel <N>")]
        [Description("Requests in flight at once.")]
        public long? Parallel { get; init; }

        [CommandOption("--budget-tokens-day <N>")]
        [Description("Tokens per UTC day.")]
        public long? BudgetTokensDay { get; init; }

        [CommandOption("--budget-tokens-month <N>")]
        [Description("Tokens per UTC calendar month.")]
        public long? BudgetTokensMonth { get; init; }

        [CommandOption("--budget-usd-day <DOLLARS>")]
        [Description("Dollars per UTC day (provider list prices, or the internal price of self-hosted tokens).")]
        public decimal? BudgetUsdDay { get; init; }

        [CommandOption("--budget-usd-month <DOLLARS>")]
        [Description("Dollars per UTC calendar month.")]
        public decimal? BudgetUsdMonth { get; init; }

        [CommandOption("--no-external")]
        [Description("Never send this key's requests to an external provider (data that must not leave); 503 when no self-hosted backend can take them.")]
        public bool NoExternal { get; init; }

        [CommandOption("--expires <DATE>")]
        [Description("Expiry, yyyy-MM-dd (midnight UTC) or an ISO 8601 time.")]
        public string? Expires { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Name))
        {
            throw new UsageException("--name is required: what the key is for");
        }
        var spec = new NewKeySpec
        {
            Name = settings.Name,
            Team = settings.Team,
            Models = settings.Models?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            Rpm = settings.Rpm,
            Tpm = settings.Tpm,
            Parallel = settings.Parallel,
            BudgetTokensDay = settings.BudgetTokensDay,
            BudgetTokensMonth = settings.BudgetTokensMonth,
            BudgetUsdDay = settings.BudgetUsdDay,
            BudgetUsdMonth = settings.BudgetUsdMonth,
            NoExternal = settings.NoExternal,
            ExpiresAt = settings.Expires is null ? null : ParseDate(settings.Expires, "--expires"),
        };
        if (spec.Validate() is { } error)
        {
            throw new UsageException("--" + error);
        }
        if (spec.ExpiresAt <= time.GetUtcNow())
        {
            throw new UsageException($"--expires: {settings.Expires} is in the past");
        }
        await using var fleet = await FleetStore.OpenAsync(settings.Config, cancellationToken);
        var created = await (await fleet.AdministrationAsync(time, cancellationToken)).CreateAsync(spec, cancellationToken);
        if (settings.Json)
        {
            CliJson.Write(console, created, CliJson.Context.KeyView);
        }
        else
        {
            KeyRendering.NewKey(console, created, "Created");
        }
        return ExitCodes.Success;
    }

    /// <summary><c>yyyy-MM-dd</c> (midnight UTC) or an ISO 8601 time.</summary>
    public static DateTimeOffset ParseDate(string text, string option)
    {
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out day))
        {
            return day.ToUniversalTime();
        }
        throw new UsageException($"{option}: '{text}' is not a date (yyyy-MM-dd) or an ISO 8601 time");
    }
}
