using System.Text.Json;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Cost;

/// <summary>The dated price tables embedded from <c>Data/Prices/</c>: commercial APIs, GPU rental, ownership rates.</summary>
public sealed class PriceBook
{
    private readonly Dictionary<string, ApiPrice> _apis;
    private readonly Dictionary<RentalClass, double> _rentalFactors;
    private readonly JsonElement _ownership;

    private PriceBook(Dictionary<string, ApiPrice> apis, Dictionary<RentalClass, double> rentalFactors, JsonElement ownership)
    {
        _apis = apis;
        _rentalFactors = rentalFactors;
        _ownership = ownership;
    }

    public static PriceBook Default { get; } = Load();

    public IReadOnlyCollection<ApiPrice> Apis => _apis.Values;

    /// <summary>The API a self-hosted model replaces: the same model's API when one is sold, else the flagship's.</summary>
    public ApiPrice ApiFor(string modelId) =>
        _apis.TryGetValue(modelId, out var exact) ? exact
        : _apis.Values.FirstOrDefault(a => modelId.StartsWith(a.Id, StringComparison.OrdinalIgnoreCase)) ?? _apis["glm-5.2"];

    public ApiPrice Api(string id) =>
        _apis.TryGetValue(id, out var a) ? a
        : throw new ArgumentException($"unknown API price id '{id}' (known: {string.Join(", ", _apis.Keys)}); or give --api-price-in/--api-price-out");

    /// <summary>Rental prices of a GPU: its on-demand price from the hardware catalog, and the other classes by factor.</summary>
    public RentalPrice Rental(string gpu)
    {
        var spec = HardwareCatalog.Default.Get(gpu);
        var onDemand = spec.RentalUsdPerGpuHour ?? 0;
        return new RentalPrice(spec.Id, onDemand, onDemand * _rentalFactors[RentalClass.Reserved], onDemand * _rentalFactors[RentalClass.Spot],
            spec.RentalUsdPerGpuHour is null ? $"{spec.Name} is not rented by the hour; give --rent-per-gpu-hour" : spec.Source);
    }

    /// <summary>Defaults for a deployment on <paramref name="gpu"/> replacing the API of <paramref name="modelId"/>.</summary>
    public CostAssumptions Defaults(string modelId, string gpu)
    {
        double D(string name) => _ownership.GetProperty(name).GetDouble();
        var ops = _ownership.GetProperty("ops").EnumerateObject().ToDictionary(
            o => Enum.Parse<OpsTeam>(o.Name, ignoreCase: true),
            o => new OpsEffort(
                o.Value.GetProperty("buy_hours_per_month").GetDouble(),
                o.Value.GetProperty("rent_hours_per_month").GetDouble(),
                o.Value.GetProperty("rate_per_hour_usd").GetDouble()));
        return new CostAssumptions
        {
            ServerOverheadPerNodeUsd = D("server_overhead_per_node_usd"),
            NodeOverheadWatts = D("node_overhead_watts"),
            LifeYears = D("life_years"),
            ResidualValueShare = D("residual_value_share"),
            MaintenanceSharePerYear = D("maintenance_share_per_year"),
            Utilisation = D("utilisation"),
            ElectricityPerKwhUsd = D("electricity_per_kwh_usd"),
            Pue = D("pue"),
            Ops = ops,
            ApiOpsHoursPerMonth = D("api_ops_hours_per_month"),
            PeakHoursPerDay = D("peak_hours_per_day"),
            HoursPerMonth = D("hours_per_month"),
            RentalClass = RentalClass.OnDemand,
            Rental = Rental(gpu),
            Api = ApiFor(modelId),
        };
    }

    private static PriceBook Load()
    {
        using var api = Read("api.json");
        using var rental = Read("rental.json");
        using var ownership = Read("ownership.json");
        var apis = api.RootElement.GetProperty("apis").EnumerateArray().Select(a => new ApiPrice(
            a.GetProperty("id").GetString()!, a.GetProperty("name").GetString()!,
            a.GetProperty("input_per_million_usd").GetDouble(), a.GetProperty("cached_input_per_million_usd").GetDouble(),
            a.GetProperty("output_per_million_usd").GetDouble(), a.GetProperty("source").GetString()!))
            .ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);
        var factors = rental.RootElement.GetProperty("classes").EnumerateObject().ToDictionary(
            c => Enum.Parse<RentalClass>(c.Name.Replace("_", ""), ignoreCase: true),
            c => c.Value.GetProperty("factor").GetDouble());
        return new PriceBook(apis, factors, ownership.RootElement.Clone());
    }

    private static JsonDocument Read(string file) => EmbeddedData.Parse($"Prices/{file}");
}
