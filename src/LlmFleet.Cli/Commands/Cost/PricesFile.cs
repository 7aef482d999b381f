using LlmFleet.Cli.Infrastructure;
using LlmFleet.Planning.Cost;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LlmFleet.Cli.Commands.Cost;

/// <summary>
/// A YAML file of price and rate overrides for <c>llmfleet cost --prices FILE</c>. Every key is optional; keys are the
/// snake_case names used in docs/cost.md. An unknown key is an error, so a typo never silently keeps a default.
/// </summary>
internal sealed class PricesFile
{
    public double? ServerOverheadPerNodeUsd { get; set; }
    public double? NodeOverheadWatts { get; set; }
    public double? LifeYears { get; set; }
    public double? ResidualValueShare { get; set; }
    public double? MaintenanceSharePerYear { get; set; }
    public double? Utilisation { get; set; }
    public double? ElectricityPerKwhUsd { get; set; }
    public double? Pue { get; set; }
    public double? PeakHoursPerDay { get; set; }
    public double? GpuPriceUsd { get; set; }
    public RentalSection? Rental { get; set; }
    public ApiSection? Api { get; set; }
    public OpsSection? Ops { get; set; }

    internal sealed class RentalSection
    {
        public double? OnDemandPerGpuHourUsd { get; set; }
        public double? ReservedPerGpuHourUsd { get; set; }
        public double? SpotPerGpuHourUsd { get; set; }
    }

    internal sealed class ApiSection
    {
        public double? InputPerMillionUsd { get; set; }
        public double? CachedInputPerMillionUsd { get; set; }
        public double? OutputPerMillionUsd { get; set; }
    }

    internal sealed class OpsSection
    {
        public double? RatePerHourUsd { get; set; }
        public double? BuyHoursPerMonth { get; set; }
        public double? RentHoursPerMonth { get; set; }
    }

    public static PricesFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"prices file '{path}' does not exist");
        }
        var deserializer = new StaticDeserializerBuilder(new PricesFileContext()).WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<PricesFile?>(File.ReadAllText(path)) ?? new PricesFile();
        }
        catch (YamlException e)
        {
            throw new UsageException($"{path}: {e.Start.Line}:{e.Start.Column}: {(e.InnerException ?? e).Message}");
        }
    }

    /// <summary>These overrides on top of <paramref name="a"/>.</summary>
    public CostAssumptions ApplyTo(CostAssumptions a)
    {
        var ops = a.Ops.ToDictionary(kv => kv.Key, kv => new OpsEffort(
            Ops?.BuyHoursPerMonth ?? kv.Value.BuyHoursPerMonth,
            Ops?.RentHoursPerMonth ?? kv.Value.RentHoursPerMonth,
            Ops?.RatePerHourUsd ?? kv.Value.RatePerHourUsd));
        return a with
        {
            ServerOverheadPerNodeUsd = ServerOverheadPerNodeUsd ?? a.ServerOverheadPerNodeUsd,
            NodeOverheadWatts = NodeOverheadWatts ?? a.NodeOverheadWatts,
            LifeYears = LifeYears ?? a.LifeYears,
            ResidualValueShare = ResidualValueShare ?? a.ResidualValueShare,
            MaintenanceSharePerYear = MaintenanceSharePerYear ?? a.MaintenanceSharePerYear,
            Utilisation = Utilisation ?? a.Utilisation,
            ElectricityPerKwhUsd = ElectricityPerKwhUsd ?? a.ElectricityPerKwhUsd,
            Pue = Pue ?? a.Pue,
            PeakHoursPerDay = PeakHoursPerDay ?? a.PeakHoursPerDay,
            Ops = ops,
            Rental = a.Rental with
            {
                OnDemandPerGpuHourUsd = Rental?.OnDemandPerGpuHourUsd ?? a.Rental.OnDemandPerGpuHourUsd,
                ReservedPerGpuHourUsd = Rental?.ReservedPerGpuHourUsd ?? a.Rental.ReservedPerGpuHourUsd,
                SpotPerGpuHourUsd = Rental?.SpotPerGpuHourUsd ?? a.Rental.SpotPerGpuHourUsd,
                Source = Rental is null ? a.Rental.Source : "prices file",
            },
            Api = a.Api with
            {
                InputPerMillionUsd = Api?.InputPerMillionUsd ?? a.Api.InputPerMillionUsd,
                CachedInputPerMillionUsd = Api?.CachedInputPerMillionUsd ?? a.Api.CachedInputPerMillionUsd,
                OutputPerMillionUsd = Api?.OutputPerMillionUsd ?? a.Api.OutputPerMillionUsd,
                Source = Api is null ? a.Api.Source : "prices file",
            },
        };
    }
}

/// <summary>The shapes of a prices file, for YamlDotNet's generated (not reflected) reader.</summary>
[YamlStaticContext]
[YamlSerializable(typeof(PricesFile))]
[YamlSerializable(typeof(PricesFile.RentalSection))]
[YamlSerializable(typeof(PricesFile.ApiSection))]
[YamlSerializable(typeof(PricesFile.OpsSection))]
public sealed partial class PricesFileContext : StaticContext;
