using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Tests.Verify;

/// <summary>GGUF files written by the spec (ggml docs/gguf.md) and damaged in each way the issue lists.</summary>
public sealed class GgufVerifyTests
{
    private const string File1 = "model-Q4_0.gguf";

    private static string Folder(GgufWriter writer, IReadOnlyList<GgufTensorSpec>? tensors = null)
    {
        var dir = TestPaths.NewTempDirectory();
        writer.Write(Path.Combine(dir, File1), tensors ?? GgufWriter.SampleTensors);
        return dir;
    }

    private static async Task<IReadOnlyList<VerifyProblem>> Problems(string dir) =>
        (await ModelFolderVerifier.VerifyAsync(dir, new VerifyOptions(), cancellationToken: TestContext.Current.CancellationToken)).Problems;

    private static async Task<string> SingleFault(string dir)
    {
        var problem = Assert.Single(await Problems(dir));
        Assert.Equal(File1, problem.File);
        Assert.Equal(ProblemKind.Malformed, problem.Kind);
        return problem.Message;
    }

    [Fact]
    public async Task VerifyAsync_IntactGguf_Passes()
    {
        Assert.Empty(await Problems(Folder(new GgufWriter())));
    }

    [Fact]
    public async Task VerifyAsync_IntactGgufWithLargerAlignment_Passes()
    {
        Assert.Empty(await Problems(Folder(new GgufWriter { Alignment = 64 })));
    }

    [Fact]
    public async Task VerifyAsync_BadMagic_IsReported()
    {
        var dir = Folder(new GgufWriter());
        var path = Path.Combine(dir, File1);
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        Assert.Contains("does not start with the GGUF magic", await SingleFault(dir));
    }

    [Fact]
    public async Task VerifyAsync_UnsupportedVersion_IsReported()
    {
        Assert.Contains("GGUF version 7 is not supported", await SingleFault(Folder(new GgufWriter { Version = 7 })));
    }

    [Fact]
    public async Task VerifyAsync_AbsurdTensorCount_IsReported()
    {
        var message = await SingleFault(Folder(new GgufWriter { TensorCountOverride = 1UL << 40 }));
        Assert.Contains("cannot fit in a", message);
    }

    [Fact]
    public async Task VerifyAsync_TensorCountTooHigh_ReportsTruncatedTable()
    {
        // One tensor more than written: the reader runs into the tensor data and then the end of the file.
        var message = await SingleFault(Folder(new GgufWriter { TensorCountOverride = 4 }));
        Assert.True(message.Contains("truncated") || message.Contains("damaged"), message);
    }

    [Fact]
    public async Task VerifyAsync_FileCutInsideHeader_ReportsTruncation()
    {
        var dir = Folder(new GgufWriter());
        using (var f = File.OpenWrite(Path.Combine(dir, File1)))
        {
            f.SetLength(60);
        }
        var message = await SingleFault(dir);
        Assert.True(message.Contains("truncated"), message);
    }

    [Fact]
    public async Task VerifyAsync_FileCutInsideData_NamesTensorPastEnd()
    {
        var dir = Folder(new GgufWriter());
        var path = Path.Combine(dir, File1);
        using (var f = File.OpenWrite(path))
        {
            f.SetLength(f.Length - 40);
        }
        var message = await SingleFault(dir);
        Assert.Contains("tensor 'output_norm.weight'", message);
        Assert.Contains("past the end of the", message);
    }

    [Fact]
    public async Task VerifyAsync_MisalignedOffset_IsReported()
    {
        var dir = Folder(new GgufWriter { EditOffset = (t, o) => t.Name == "blk.0.attn_q.weight" ? o + 4 : o });
        var problems = await Problems(dir);
        Assert.Contains(problems, p => p.Message.Contains("tensor 'blk.0.attn_q.weight' starts at data offset 68, not a multiple of the alignment 32"));
    }

    [Fact]
    public async Task VerifyAsync_OffsetBeyondFile_IsReported()
    {
        var dir = Folder(new GgufWriter { EditOffset = (t, o) => t.Name == "token_embd.weight" ? 1 << 20 : o });
        Assert.Contains("'token_embd.weight' (F32 [10], 40 bytes at data offset 1048576)", await SingleFault(dir));
    }

    [Fact]
    public async Task VerifyAsync_OverlappingTensors_AreReported()
    {
        var dir = Folder(new GgufWriter { EditOffset = (t, o) => t.Name == "output_norm.weight" ? 96 : o });
        Assert.Contains("'output_norm.weight' [96, 128) overlaps tensor 'blk.0.attn_q.weight'", await SingleFault(dir));
    }

    [Fact]
    public async Task VerifyAsync_UnknownTensorType_IsReported()
    {
        var dir = Folder(new GgufWriter(), [new GgufTensorSpec("x", 99, [32], 32)]);
        Assert.Contains("tensor 'x' has unknown type 99", await SingleFault(dir));
    }

    [Fact]
    public async Task VerifyAsync_RowNotMultipleOfBlock_IsReported()
    {
        var dir = Folder(new GgufWriter(), [new GgufTensorSpec("q", 12, [100, 2], 288)]);
        Assert.Contains("not a multiple of the 256-element block", await SingleFault(dir));
    }

    [Fact]
    public async Task VerifyAsync_BadAlignmentValue_IsReported()
    {
        Assert.Contains("general.alignment is 12", await SingleFault(Folder(new GgufWriter { Alignment = 12 })));
    }
}
