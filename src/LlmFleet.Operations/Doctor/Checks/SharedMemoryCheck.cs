namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// Size of <c>/dev/shm</c>: vLLM's workers and NCCL exchange tensors through it with tensor parallelism, and
/// containers get 64 MB unless started with <c>--ipc=host</c> or <c>--shm-size</c> (vLLM's Docker docs).
/// </summary>
public sealed class SharedMemoryCheck : IDoctorCheck
{
    /// <summary>Below this, multi-GPU vLLM fails with NCCL or shared-memory errors.</summary>
    public const long MinimumBytes = 1L << 30;

    public string Id => "shared-memory";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        long size;
        try
        {
            var shm = context.Files.Map("/dev/shm");
            if (!Directory.Exists(shm))
            {
                return new CheckResult(Id, CheckStatus.Warning, "/dev/shm does not exist", [], "Mount a tmpfs at /dev/shm (containers: --ipc=host).");
            }
            size = new DriveInfo(shm).TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new CheckResult(Id, CheckStatus.Warning, $"cannot read the size of /dev/shm: {e.Message}", []);
        }
        var smi = await context.NvidiaSmiAsync();
        var gpus = smi.HasGpus ? smi.Gpus.Count : 0;
        string[] evidence = [$"/dev/shm: {Sizes.Gib(size)}", $"GPUs: {gpus}"];
        if (size >= MinimumBytes)
        {
            return CheckResult.Pass(Id, $"/dev/shm is {Sizes.Gib(size)}", evidence);
        }
        const string fix = "In a container, start it with `--ipc=host` (or `--shm-size=16g`); on a host, remount /dev/shm larger.";
        return gpus > 1
            ? new CheckResult(Id, CheckStatus.Fail, $"/dev/shm is only {Sizes.Gib(size)}: tensor parallelism over {gpus} GPUs needs more", evidence, fix)
            : new CheckResult(Id, CheckStatus.Warning, $"/dev/shm is only {Sizes.Gib(size)} (enough for one GPU, not for tensor parallelism)", evidence, fix);
    }
}
