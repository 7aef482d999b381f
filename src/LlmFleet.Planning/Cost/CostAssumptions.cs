namespace LlmFleet.Planning.Cost;

/// <summary>Per-million-token prices of a commercial API.</summary>
public sealed record ApiPrice(string Id, string Name, double InputPerMillionUsd, double CachedInputPerMillionUsd, double OutputPerMillionUsd, string Source);

/// <summary>Rental prices of one GPU kind per GPU-hour.</summary>
public sealed record RentalPrice(string Gpu, double OnDemandPerGpuHourUsd, double ReservedPerGpuHourUsd, double SpotPerGpuHourUsd, string Source)
{
    public double For(RentalClass c) => c switch
    {
        RentalClass.Reserved => ReservedPerGpuHourUsd,
        RentalClass.Spot => SpotPerGpuHourUsd,
        _ => OnDemandPerGpuHourUsd,
    };
}

/// <summary>Hours of operations work a month and their rate, for one level of team.</summary>
public sealed record OpsEffort(double BuyHoursPerMonth, double RentHoursPerMonth, double RatePerHourUsd);

/// <summary>
/// Every rate the cost model uses. Defaults come from <c>Data/Prices/*.json</c> (each with its source and date);
/// the command line and a prices YAML file override any of them.
/// </summary>
public sealed record CostAssumptions
{
    public required double ServerOverheadPerNodeUsd { get; init; }
    public required double NodeOverheadWatts { get; init; }
    public required double LifeYears { get; init; }
    public required double ResidualValueShare { get; init; }
    public required double MaintenanceSharePerYear { get; init; }
    public required double Utilisation { get; init; }
    public required double ElectricityPerKwhUsd { get; init; }
    public required double Pue { get; init; }
    public required IReadOnlyDictionary<OpsTeam, OpsEffort> Ops { get; init; }
    public required double ApiOpsHoursPerMonth { get; init; }
    public required double PeakHoursPerDay { get; init; }
    public required double HoursPerMonth { get; init; }
    public required RentalClass RentalClass { get; init; }
    public required RentalPrice Rental { get; init; }
    public required ApiPrice Api { get; init; }

    public void Validate()
    {
        Workload.Check(LifeYears > 0, "life_years must be positive");
        Workload.Check(ResidualValueShare is >= 0 and < 1, "residual_value_share must be between 0 and 1");
        Workload.Check(MaintenanceSharePerYear >= 0, "maintenance_share_per_year must not be negative");
        Workload.Check(Utilisation is > 0 and <= 1, "utilisation must be between 0 and 1");
        Workload.Check(ElectricityPerKwhUsd >= 0, "--electricity-per-kwh must not be negative");
        Workload.Check(Pue >= 1, "--pue must be at least 1");
        Workload.Check(PeakHoursPerDay is > 0 and <= 24, "peak_hours_per_day must be between 0 and 24");
        Workload.Check(Api.InputPerMillionUsd >= 0 && Api.OutputPerMillionUsd >= 0 && Api.CachedInputPerMillionUsd >= 0, "API prices must not be negative");
        Workload.Check(Rental.For(RentalClass) > 0, $"the rental price of {Rental.Gpu} must be positive");
    }
}
