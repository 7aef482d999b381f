using LlmFleet.Catalog.Hardware;
using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Tests.Memory;

/// <summary>What vLLM reserves besides weights and KV cache.</summary>
public sealed class RuntimeOverheadTests
{
    [Theory]
    [InlineData("h100", 8192, 1024)]
    [InlineData("h200", 8192, 1024)]
    [InlineData("a100", 2048, 256)]
    [InlineData("l40s", 2048, 256)]
    [InlineData("rtx4090", 2048, 256)]
    public void VllmBatchDefaults_FollowVllmsServingDefaultsByGpu(string gpu, int batchedTokens, int maxSeqs)
    {
        // vLLM's EngineArgs.get_batch_defaults: 8,192 tokens and 1,024 sequences for the API server on GPUs with at
        // least 70 GiB other than the A100, 2,048 and 256 otherwise.
        var hw = HardwareCatalog.Default.Get(gpu);
        Assert.Equal((batchedTokens, maxSeqs), RuntimeOverhead.VllmBatchDefaults(hw));
    }
}
