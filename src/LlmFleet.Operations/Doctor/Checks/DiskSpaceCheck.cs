namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// Free disk where the model lives against its size plus headroom, counting what is already downloaded there.
/// </summary>
public sealed class DiskSpaceCheck : IDoctorCheck
{
    /// <summary>Headroom over the weights: configs, tokenizer, partial downloads kept while resuming, logs.</summary>
    public const double Headroom = 0.10;

    public string Id => "disk-space";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var dir = context.ModelDirectory;
        var existing = Path.GetFullPath(context.Files.Map(dir));
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        long free;
        try
        {
            free = new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new CheckResult(Id, CheckStatus.Warning, $"cannot read free space of {existing}: {e.Message}", []);
        }
        var evidence = new List<string> { $"model folder: {dir}", $"free on its file system: {Sizes.Gb(free)} (measured at {existing})" };
        var needs = await context.ModelNeedsAsync();
        if (needs.Absent is not null)
        {
            return CheckResult.Pass(Id, $"{Sizes.Gb(free)} free at {dir} ({needs.Absent}: nothing to compare)", [.. evidence]);
        }
        var present = Directory.Exists(existing) && existing == Path.GetFullPath(context.Files.Map(dir)) ? FolderBytes(existing) : 0;
        var required = Math.Max(0, (long)(needs.WeightsBytes * (1 + Headroom)) - present);
        evidence.Add($"{needs.ModelId}: {Sizes.Gb(needs.WeightsBytes)} of weights + {Headroom:P0} headroom, {Sizes.Gb(present)} already in the folder: {Sizes.Gb(required)} more needed");
        return free >= required
            ? CheckResult.Pass(Id, $"{Sizes.Gb(free)} free, {Sizes.Gb(required)} needed", [.. evidence])
            : new CheckResult(Id, CheckStatus.Fail, $"{Sizes.Gb(free)} free at {dir}, {Sizes.Gb(required)} needed", evidence,
                "Free space there, or point --model-dir (and HF_HUB_CACHE for vLLM) at a larger volume.");
    }

    private static long FolderBytes(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
