using System.Reflection;
using System.Text.Json;

namespace LlmFleet.Catalog.Hardware;

/// <summary>
/// Accelerators and host-memory facts, read once from the JSON files embedded from <c>Data/Hardware/</c>: GPUs by id
/// (<c>h200</c>, <c>rtx4090</c>, <c>m3-ultra</c>...), RAM types with their transfer rates, PCIe link speeds.
/// </summary>
public sealed class HardwareCatalog
{
    private const string Prefix = "LlmFleet.Catalog.Data.Hardware.";
    private readonly Dictionary<string, HardwareSpec> _byId;
    private readonly Dictionary<string, double> _ramTransfersPerSecond;
    private readonly Dictionary<int, double> _pcieBytesPerSecond;

    private HardwareCatalog(IEnumerable<HardwareSpec> gpus, Dictionary<string, double> ram, Dictionary<int, double> pcie,
        string defaultRamType, int defaultRamChannels, string defaultRamNote)
    {
        _byId = gpus.ToDictionary(g => g.Id, StringComparer.OrdinalIgnoreCase);
        _ramTransfersPerSecond = ram;
        _pcieBytesPerSecond = pcie;
        DefaultRamType = defaultRamType;
        DefaultRamChannels = defaultRamChannels;
        DefaultRamNote = defaultRamNote;
    }

    public static HardwareCatalog Default { get; } = LoadEmbedded();

    /// <summary>Every device, in the data file's order.</summary>
    public IReadOnlyList<HardwareSpec> All => [.. _byId.Values];

    public IReadOnlyList<string> RamTypes => [.. _ramTransfersPerSecond.Keys];

    /// <summary>The RAM assumed when <c>--ram-type</c> is not given.</summary>
    public string DefaultRamType { get; }

    /// <summary>The channel count assumed when <c>--ram-channels</c> is not given.</summary>
    public int DefaultRamChannels { get; }

    /// <summary>Why those defaults.</summary>
    public string DefaultRamNote { get; }

    public bool TryGet(string id, out HardwareSpec spec) => _byId.TryGetValue(id, out spec!);

    /// <exception cref="CatalogException">Unknown id; the message lists the known ids.</exception>
    public HardwareSpec Get(string id) =>
        TryGet(id, out var g)
            ? g
            : throw new CatalogException($"unknown GPU '{id}'. Known: {string.Join(", ", _byId.Keys)} (see `llmfleet hardware`)");

    /// <summary>Peak bandwidth of host RAM: channels x transfers per second x 8 bytes.</summary>
    /// <exception cref="CatalogException">Unknown RAM type or a channel count outside 1..24.</exception>
    public SystemMemory SystemMemory(long bytes, string? ramType = null, int? channels = null)
    {
        var type = ramType ?? DefaultRamType;
        var n = channels ?? DefaultRamChannels;
        if (!_ramTransfersPerSecond.TryGetValue(type, out var rate))
        {
            throw new CatalogException($"unknown RAM type '{type}' (expected one of: {string.Join(", ", _ramTransfersPerSecond.Keys)})");
        }
        if (n is < 1 or > 24)
        {
            throw new CatalogException($"RAM channels must be between 1 and 24, got {n}");
        }
        return new SystemMemory(bytes, type, n, n * rate * 8);
    }

    /// <summary>One direction of an x16 link of the given PCIe generation.</summary>
    public double PcieBytesPerSecond(int generation) =>
        _pcieBytesPerSecond.TryGetValue(generation, out var b) ? b : _pcieBytesPerSecond.Values.Min();

    private static HardwareCatalog LoadEmbedded()
    {
        var asm = typeof(HardwareCatalog).Assembly;
        using var gpuDoc = JsonDocument.Parse(Read(asm, Prefix + "gpus.json"));
        var gpus = gpuDoc.RootElement.GetProperty("gpus").EnumerateArray().Select(ParseGpu).ToList();
        using var memDoc = JsonDocument.Parse(Read(asm, Prefix + "system-memory.json"));
        var m = memDoc.RootElement;
        var ram = m.GetProperty("ram_types").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("transfers_per_second").GetDouble(), StringComparer.OrdinalIgnoreCase);
        var pcie = m.GetProperty("pcie_x16_bytes_per_second").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetDouble());
        return new HardwareCatalog(gpus, ram, pcie, m.GetProperty("default_ram_type").GetString()!,
            m.GetProperty("default_ram_channels").GetInt32(), m.GetProperty("default_note").GetString()!);
    }

    private static HardwareSpec ParseGpu(JsonElement g)
    {
        double? Opt(string name) => g.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.Number ? v.GetDouble() : null;
        var id = g.GetProperty("id").GetString()!;
        var options = g.TryGetProperty("memory_options", out var mo)
            ? mo.EnumerateArray().Select(o => new MemoryOption(o.GetProperty("memory_gb").GetInt32(), o.GetProperty("price_usd").GetDouble())).ToList()
            : [];
        return new HardwareSpec(
            id,
            g.GetProperty("name").GetString()!,
            g.GetProperty("vendor").GetString()!,
            g.GetProperty("kind").GetString() switch
            {
                "datacenter" => HardwareKind.Datacenter,
                "workstation" => HardwareKind.Workstation,
                "consumer" => HardwareKind.Consumer,
                "apple" => HardwareKind.Apple,
                var k => throw new InvalidDataException($"gpus.json: {id}: unknown kind '{k}'"),
            },
            g.GetProperty("family").GetString() is { Length: > 0 } family
                ? family
                : throw new InvalidDataException($"gpus.json: {id}: empty family"),
            Opt("memory_bytes") is { } mem ? (long)mem : null,
            g.GetProperty("memory_bandwidth_bytes_per_second").GetDouble(),
            g.GetProperty("bf16_dense_tflops").GetDouble(),
            Opt("fp8_dense_tflops"),
            Opt("fp4_dense_tflops"),
            Opt("int8_dense_tops"),
            g.GetProperty("interconnect").GetString()!,
            g.GetProperty("interconnect_bytes_per_second").GetDouble(),
            g.GetProperty("pcie_generation").GetInt32(),
            g.GetProperty("tdp_watts").GetDouble(),
            g.GetProperty("price_usd").GetDouble(),
            Opt("rental_usd_per_gpu_hour"),
            g.GetProperty("gpus_per_node").GetInt32(),
            options,
            g.GetProperty("memory_note").GetString()!,
            g.GetProperty("source").GetString()!);
    }

    private static string Read(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name) ?? throw new InvalidDataException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
