namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// System RAM and swap against what the model needs in host memory: the weights the planner offloads to RAM, plus
/// headroom for the engine process. Counting on swap passes with a warning: offloaded experts read from swap make
/// every token wait on the disk.
/// </summary>
public sealed class SystemMemoryCheck : IDoctorCheck
{
    /// <summary>Room for the engine process itself (Python, CUDA context, tokenizer, pinned staging buffers).</summary>
    public const long ProcessHeadroomBytes = 16_000_000_000;

    public string Id => "system-memory";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.Memory is not { } mem)
        {
            return CheckResult.Skipped(Id, "skipped: /proc/meminfo cannot be read (not Linux?)");
        }
        var evidence = new List<string>
        {
            $"RAM: {Sizes.Gb(mem.TotalBytes)} total, {Sizes.Gb(mem.AvailableBytes)} available",
            $"swap: {Sizes.Gb(mem.SwapTotalBytes)} total, {Sizes.Gb(mem.SwapFreeBytes)} free",
        };
        var needs = await context.ModelNeedsAsync();
        if (needs.Absent is not null)
        {
            return new CheckResult(Id, CheckStatus.Pass, $"{Sizes.Gb(mem.TotalBytes)} RAM ({needs.Absent}: nothing to compare)", evidence);
        }
        var required = needs.OffloadBytes + ProcessHeadroomBytes;
        evidence.Add($"{needs.ModelId} needs {Sizes.Gb(needs.OffloadBytes)} of weights in RAM + {Sizes.Gb(ProcessHeadroomBytes)} for the engine = {Sizes.Gb(required)}");
        if (mem.AvailableBytes >= required)
        {
            return CheckResult.Pass(Id, $"{Sizes.Gb(mem.AvailableBytes)} available covers the {Sizes.Gb(required)} needed", [.. evidence]);
        }
        var fix = needs.OffloadBytes > 0
            ? "Add RAM, free memory held by other processes, or choose a smaller quantization so fewer experts are offloaded."
            : "Free memory held by other processes, or add RAM.";
        if (mem.AvailableBytes + mem.SwapFreeBytes >= required)
        {
            return new CheckResult(Id, CheckStatus.Warning, $"only with swap: {Sizes.Gb(mem.AvailableBytes)} RAM available of {Sizes.Gb(required)} needed (swap makes offloaded experts very slow)", evidence, fix);
        }
        return new CheckResult(Id, CheckStatus.Fail, $"{Sizes.Gb(mem.AvailableBytes)} RAM available, {Sizes.Gb(required)} needed", evidence, fix);
    }
}
