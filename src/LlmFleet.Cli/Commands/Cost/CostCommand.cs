using System.ComponentModel;
using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Cli.Commands.Plan;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Planning;
using LlmFleet.Planning.Cost;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Cost;

/// <summary><c>llmfleet cost</c>: own vs rent vs hybrid vs commercial API for a usage, with break-even and a recommendation.</summary>
internal sealed class CostCommand(CliConsole console) : Command<CostCommand.Settings>
{
    public sealed class Settings : GoodputSettings
    {
        [CommandArgument(0, "<model>")]
        [Description("A catalog id or a path to a config.json.")]
        public string Model { get; init; } = "";

        [CommandOption("--quant")]
        [Description("Quantization (see `llmfleet quants`). Default fp8.")]
        public string Quant { get; init; } = "fp8";

        [CommandOption("--gpu")]
        [Description("GPU id; without it the planner's enterprise recommendation is priced.")]
        public string? Gpu { get; init; }

        [CommandOption("--gpus")]
        public int? Gpus { get; init; }

        [CommandOption("--concurrency")]
        [Description("Concurrent streams per replica the throughput is planned at. Default: the goodput concurrency (the most streams that meet --min-stream-tps and --max-ttft).")]
        public int? Concurrency { get; init; }


        [CommandOption("--context")]
        [Description("Maximum request length the replicas are planned for. Default 32768 (a full 1M context leaves room for few streams).")]
        public long Context { get; init; } = 32_768;

        [CommandOption("--tokens-per-day")]
        [Description("Input plus output tokens a day (required).")]
        public double? TokensPerDay { get; init; }

        [CommandOption("--input-share")]
        public double InputShare { get; init; } = 0.75;

        [CommandOption("--cached-input-share")]
        public double CachedInputShare { get; init; }

        [CommandOption("--peak-to-average")]
        public double PeakToAverage { get; init; } = 3;

        [CommandOption("--months")]
        public int Months { get; init; } = 36;

        [CommandOption("--electricity-per-kwh")]
        public double? ElectricityPerKwh { get; init; }

        [CommandOption("--pue")]
        public double? Pue { get; init; }

        [CommandOption("--api")]
        [Description("Which commercial API to compare with (glm-5.2, glm-5, glm-4.7, deepseek-v3.2...). Default: the model's own, else GLM-5.2.")]
        public string? Api { get; init; }

        [CommandOption("--api-price-in")]
        public double? ApiPriceIn { get; init; }

        [CommandOption("--api-price-out")]
        public double? ApiPriceOut { get; init; }

        [CommandOption("--api-price-cached")]
        public double? ApiPriceCached { get; init; }

        [CommandOption("--rental-class")]
        [Description("on-demand (default), reserved or spot.")]
        public string RentalClass { get; init; } = "on-demand";

        [CommandOption("--prices")]
        [Description("YAML file overriding any price or rate (docs/cost.md lists the keys).")]
        public string? Prices { get; init; }

        [CommandOption("--privacy")]
        [Description("strict (data may not leave your control) or normal (default).")]
        public string Privacy { get; init; } = "normal";

        [CommandOption("--ops-team")]
        [Description("none, some (default) or dedicated.")]
        public string OpsTeam { get; init; } = "some";

        [CommandOption("--capex-ok")]
        [Description("The budget can take a hardware purchase.")]
        public bool CapexOk { get; init; }

        [CommandOption("--demand")]
        [Description("steady (default) or uncertain.")]
        public string Demand { get; init; } = "steady";

        [CommandOption("--plot")]
        [Description("Write a chart of cumulative cost to FILE.png or FILE.svg.")]
        public string? Plot { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            TokensPerDay is null ? ValidationResult.Error("--tokens-per-day is required")
            : TokensPerDay <= 0 ? ValidationResult.Error($"--tokens-per-day must be positive (got {TokensPerDay})")
            : Privacy is not ("strict" or "normal") ? ValidationResult.Error("--privacy must be strict or normal")
            : OpsTeam is not ("none" or "some" or "dedicated") ? ValidationResult.Error("--ops-team must be none, some or dedicated")
            : Demand is not ("steady" or "uncertain") ? ValidationResult.Error("--demand must be steady or uncertain")
            : RentalClass is not ("on-demand" or "reserved" or "spot") ? ValidationResult.Error("--rental-class must be on-demand, reserved or spot")
            : Concurrency is < 1 ? ValidationResult.Error("--concurrency must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var model = ModelSource.Resolve(s.Model);
        var plan = PlanFor(model, s);
        var hardware = plan.Hardware!;
        var prices = s.Prices is { } file ? PricesFile.Load(file) : null;
        var (streams, output) = Throughput(s, plan);
        var replica = PlanPricing.Replica(plan, output, prices?.GpuPriceUsd);

        var assumptions = Assumptions(model.Id, hardware.Id, prices, s);
        var workload = new Workload(s.TokensPerDay!.Value, s.InputShare, s.CachedInputShare, s.PeakToAverage, s.Months);
        var preferences = new Preferences(s.Privacy == "strict", Enum.Parse<Planning.Cost.OpsTeam>(s.OpsTeam, ignoreCase: true), s.CapexOk, s.Demand == "uncertain");
        CostReport report;
        try
        {
            report = CostModel.Compare(workload, replica, assumptions, preferences);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        if (s.Plot is { } plotPath)
        {
            CostChart.Save(report, $"{model.Id} {s.Quant} on {plan.Gpus}x {hardware.Name}: {s.TokensPerDay:N0} tokens/day", plotPath);
        }
        if (s.Json)
        {
            CliJson.Write(console, new CostJson(
                model.Id, s.Quant, hardware.Id, plan.Gpus, streams, s.Concurrency is null ? "goodput" : "--concurrency",
                output / streams, plan.MtpAcceptance, s.MinStreamTps, s.MaxTtft,
                replica.OutputTokensPerSecond, replica.PrefillTokensPerSecond, assumptions.Api, CostOptions.HybridSpill,
                assumptions.Rental.For(assumptions.RentalClass),
                report.TokensPerMonth, report.Replicas, report.Options, report.BreakEvenMonths, report.Recommendation), CliJson.Context.CostJson);
            return ExitCodes.Success;
        }
        Render(report, model.Id, plan, streams, output, assumptions, s);
        return ExitCodes.Success;
    }

    /// <summary>The streams and output tokens/s a replica (all of the plan's GPUs) is priced at: its goodput, or the
    /// aggregate at --concurrency when given.</summary>
    /// <exception cref="UsageException">No concurrency meets the interactivity target.</exception>
    private static (int Streams, double Output) Throughput(Settings s, DeploymentPlan plan)
    {
        if (s.Concurrency is not null)
        {
            return (plan.AggregateConcurrency, plan.DecodeTokensPerSecondAggregate);
        }
        try
        {
            return PlanPricing.Goodput(plan);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static DeploymentPlan PlanFor(ModelSource model, Settings s)
    {
        var plan = Planner.Plan(new PlanRequest(model, s.Quant, s.Gpu, s.Gpus, Context: s.Context, Concurrency: s.Concurrency ?? 1,
            MtpAcceptance: s.MtpAcceptance, Target: s.ToTarget()));
        if (s.Gpu is null)
        {
            plan = plan.Recommendations.FirstOrDefault(r => r.Tier == "enterprise")?.Plan
                ?? throw new UsageException($"no enterprise configuration fits {model.Id} at {s.Quant}; give --gpu and --gpus");
        }
        return plan.Fits
            ? plan
            : throw new UsageException($"{model.Id} at {s.Quant} does not fit {plan.Gpus}x {plan.Hardware?.Name}; run `llmfleet plan` to size it first");
    }

    private static CostAssumptions Assumptions(string modelId, string gpu, PricesFile? prices, Settings s)
    {
        var book = PriceBook.Default;
        var a = book.Defaults(modelId, gpu);
        if (s.Api is { } api)
        {
            a = a with { Api = ApiPriceOrUsageError(book, api) };
        }
        if (prices is not null)
        {
            a = prices.ApplyTo(a);
        }
        return a with
        {
            ElectricityPerKwhUsd = s.ElectricityPerKwh ?? a.ElectricityPerKwhUsd,
            Pue = s.Pue ?? a.Pue,
            RentalClass = Enum.Parse<RentalClass>(s.RentalClass.Replace("-", ""), ignoreCase: true),
            Api = a.Api with
            {
                InputPerMillionUsd = s.ApiPriceIn ?? a.Api.InputPerMillionUsd,
                OutputPerMillionUsd = s.ApiPriceOut ?? a.Api.OutputPerMillionUsd,
                CachedInputPerMillionUsd = s.ApiPriceCached ?? a.Api.CachedInputPerMillionUsd,
            },
        };
    }

    private static ApiPrice ApiPriceOrUsageError(PriceBook book, string id)
    {
        try
        {
            return book.Api(id);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private void Render(CostReport report, string modelId, DeploymentPlan plan, int streams, double output, CostAssumptions a, Settings s)
    {
        var c = CultureInfo.InvariantCulture;
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(modelId)}[/] {Markup.Escape(s.Quant)} on {plan.Gpus}x {Markup.Escape(plan.Hardware!.Name)} per replica: " +
            $"{output.ToString("N0", c)} output tok/s at {streams} streams " +
            $"({(output / streams).ToString("0.#", c)} tok/s each" +
            (plan.MtpAcceptance > 1 ? $", MTP acceptance {plan.MtpAcceptance.ToString("0.##", c)}" : "") +
            $"; {(s.Concurrency is null ? "goodput: the most streams that meet the interactivity target" : "--concurrency")}), " +
            $"{plan.PrefillTokensPerSecond.ToString("N0", c)} prefill tok/s.");
        console.Ansi.MarkupLine($"Usage {s.TokensPerDay!.Value.ToString("N0", c)} tokens/day ({report.TokensPerMonth.ToString("N0", c)} a month): " +
            $"{report.Replicas.Average} replica(s) on average, {report.Replicas.Peak} at the peak. API compared: {Markup.Escape(a.Api.Name)}.");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("option").AddColumn(new TableColumn("up front").RightAligned())
            .AddColumn(new TableColumn("per month").RightAligned()).AddColumn(new TableColumn("per 1M tokens").RightAligned())
            .AddColumn(new TableColumn($"total {s.Months} months").RightAligned()).AddColumn("GPUs");
        foreach (var o in report.Options)
        {
            var name = o.Name == report.Recommendation.Option ? $"[bold green]{o.Name}[/]" : o.Name;
            table.AddRow(name, Usd(o.UpfrontCostUsd), Usd(o.MonthlyCostUsd), o.CostPerMillionTokensUsd.ToString("$0.00", c),
                Usd(o.CumulativeCostUsd[^1]), o.Gpus.ToString(c));
        }
        console.Ansi.Write(table);
        console.Ansi.MarkupLine($"[grey]hybrid assumes the gateway sends the owned pool's overflow to the rented replicas: `fallbacks: [[rented pool]]` with `spill: {CostOptions.HybridSpill}` (docs/gateway.md, \"Hybrid\").[/]");
        console.Ansi.MarkupLine("Break-even: " + string.Join(", ", report.BreakEvenMonths.Select(kv =>
            $"{kv.Key.Replace("_vs_", " vs ")} {(kv.Value is { } m ? $"month {m}" : "never")}")));
        console.Ansi.MarkupLine($"[bold]Recommendation: {report.Recommendation.Option}[/]");
        foreach (var reason in report.Recommendation.Reasons)
        {
            console.Ansi.MarkupLine($"  - {Markup.Escape(reason)}");
        }
        if (s.Plot is { } plot)
        {
            console.Ansi.MarkupLine($"Chart written to {Markup.Escape(plot)}");
        }
    }

    private static string Usd(double v) => v.ToString("$#,0", CultureInfo.InvariantCulture);
}

/// <summary>What <c>llmfleet cost --json</c> prints: the replica the comparison rests on, the API and rental prices
/// assumed, then the report.</summary>
internal sealed record CostJson(
    string Model,
    string Quantization,
    string Gpu,
    int GpusPerReplica,
    int ConcurrencyPerReplica,
    string ConcurrencyBasis,
    double StreamTokensPerSecond,
    double MtpAcceptance,
    double MinStreamTokensPerSecond,
    double MaxTtftSeconds,
    double ReplicaOutputTokensPerSecond,
    double ReplicaPrefillTokensPerSecond,
    ApiPrice Api,
    string HybridSpill,
    double RentalPerGpuHourUsd,
    double TokensPerMonth,
    ReplicaNeed Replicas,
    IReadOnlyList<CostOption> Options,
    IReadOnlyDictionary<string, int?> BreakEvenMonths,
    Recommendation Recommendation);
