using System.Text.Json.Nodes;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Tests.Verify;

/// <summary>Safetensors shards and their index, written by the spec and damaged in each way the format can break.</summary>
public sealed class SafetensorsVerifyTests
{
    private static readonly TensorSpec[] Shard1 = [SafetensorsWriter.Bf16("model.embed_tokens.weight", 8, 4), SafetensorsWriter.F32("model.norm.weight", 4)];
    private static readonly TensorSpec[] Shard2 = [SafetensorsWriter.Bf16("lm_head.weight", 8, 4), SafetensorsWriter.Bf16("model.layers.0.mlp.experts.0.w1", 2, 3, 4)];
    private const string First = "model-00001-of-00002.safetensors";
    private const string Second = "model-00002-of-00002.safetensors";

    private static string ShardedFolder(Action<JsonObject>? editSecondHeader = null, Action<JsonObject>? editIndex = null)
    {
        var dir = TestPaths.NewTempDirectory();
        SafetensorsWriter.Write(Path.Combine(dir, First), Shard1);
        SafetensorsWriter.Write(Path.Combine(dir, Second), Shard2, editSecondHeader);
        var map = new JsonObject();
        foreach (var t in Shard1)
        {
            map[t.Name] = First;
        }
        foreach (var t in Shard2)
        {
            map[t.Name] = Second;
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = Shard1.Concat(Shard2).Sum(t => t.Bytes) },
            ["weight_map"] = map,
        };
        editIndex?.Invoke(index);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), index.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        return dir;
    }

    private static Task<VerifyReport> Verify(string dir) =>
        ModelFolderVerifier.VerifyAsync(dir, new VerifyOptions(), cancellationToken: TestContext.Current.CancellationToken);

    private static async Task<VerifyProblem> SingleProblem(string dir, string file)
    {
        var report = await Verify(dir);
        Assert.False(report.Ok);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(file, problem.File);
        return problem;
    }

    [Fact]
    public async Task VerifyAsync_IntactShardedCheckpoint_Passes()
    {
        var report = await Verify(ShardedFolder());
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal("safetensors", report.Files.Single(f => f.Path == First).Format);
        Assert.Equal(DigestSource.None, report.DigestSource);
    }

    [Fact]
    public async Task VerifyAsync_FileShorterThanLengthField_NamesFileAndFault()
    {
        var dir = ShardedFolder();
        File.WriteAllBytes(Path.Combine(dir, First), [1, 2, 3]);
        var problem = await SingleProblem(dir, First);
        Assert.Contains("shorter than the 8-byte header length", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_HeaderLengthBeyondFile_ReportsTruncation()
    {
        var dir = ShardedFolder();
        var path = Path.Combine(dir, First);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..40]);
        var problem = await SingleProblem(dir, First);
        Assert.Contains("header length field says", problem.Message);
        Assert.Contains("truncated", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_HugeHeaderLength_ReportsDamagedLength()
    {
        var dir = ShardedFolder();
        var path = Path.Combine(dir, First);
        var bytes = File.ReadAllBytes(path);
        bytes[6] = 0x7F; // high bytes of the length field
        File.WriteAllBytes(path, bytes);
        var problem = await SingleProblem(dir, First);
        Assert.Contains("100 MB limit", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_HeaderNotJson_ReportsInvalidJson()
    {
        var dir = ShardedFolder();
        SafetensorsWriter.WriteRawHeader(Path.Combine(dir, First), "{\"model.norm.weight\": {\"dtype\": \"F32\", ", 16);
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == First && p.Message.Contains("not valid JSON"));
    }

    [Fact]
    public async Task VerifyAsync_HeaderNotStartingWithBrace_ReportsDamage()
    {
        var dir = ShardedFolder();
        var path = Path.Combine(dir, First);
        var bytes = File.ReadAllBytes(path);
        bytes[8] = (byte)'x';
        File.WriteAllBytes(path, bytes);
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == First && p.Message.Contains("does not start with '{'"));
    }

    [Fact]
    public async Task VerifyAsync_ShapeDisagreesWithByteRange_NamesTensor()
    {
        // The shape says 2×3×4 BF16 = 48 bytes; stretching it to 2×3×5 needs 60 while the range still holds 48.
        var dir = ShardedFolder(h => h["model.layers.0.mlp.experts.0.w1"]!["shape"] = new JsonArray(2, 3, 5));
        var problem = await SingleProblem(dir, Second);
        Assert.Contains("'model.layers.0.mlp.experts.0.w1'", problem.Message);
        Assert.Contains("= 60 bytes", problem.Message);
        Assert.Contains("hold 48 bytes", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_WrongDtype_NamesTensorAndSizes()
    {
        var dir = ShardedFolder(h => h["lm_head.weight"]!["dtype"] = "F32");
        var problem = await SingleProblem(dir, Second);
        Assert.Contains("'lm_head.weight' is F32 [8, 4] = 128 bytes", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_UnknownDtype_NamesIt()
    {
        var dir = ShardedFolder(h => h["lm_head.weight"]!["dtype"] = "Q4");
        var problem = await SingleProblem(dir, Second);
        Assert.Contains("unknown dtype 'Q4'", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_GapBetweenTensors_IsReported()
    {
        // Move the second tensor 8 bytes later (same length): bytes [64, 72) then belong to no tensor and the
        // last range runs past the data.
        var dir = ShardedFolder(h => h["model.layers.0.mlp.experts.0.w1"]!["data_offsets"] = new JsonArray(72, 120));
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == Second && p.Message.Contains("gap of 8 bytes before tensor 'model.layers.0.mlp.experts.0.w1'"));
        Assert.Contains(report.Problems, p => p.File == Second && p.Message.Contains("truncated"));
    }

    [Fact]
    public async Task VerifyAsync_OverlappingTensors_NamesBoth()
    {
        var dir = ShardedFolder(h => h["model.layers.0.mlp.experts.0.w1"]!["data_offsets"] = new JsonArray(56, 104));
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == Second
            && p.Message.Contains("'model.layers.0.mlp.experts.0.w1' [56, 104) overlaps tensor 'lm_head.weight' [0, 64)"));
    }

    [Fact]
    public async Task VerifyAsync_BytesAfterLastTensor_AreReported()
    {
        var dir = ShardedFolder();
        File.AppendAllText(Path.Combine(dir, First), "junk");
        var problem = await SingleProblem(dir, First);
        Assert.Contains("4 bytes after the last tensor", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_TruncatedData_IsReported()
    {
        var dir = ShardedFolder();
        var path = Path.Combine(dir, Second);
        using (var f = File.OpenWrite(path))
        {
            f.SetLength(f.Length - 10);
        }
        var problem = await SingleProblem(dir, Second);
        Assert.Contains("'model.layers.0.mlp.experts.0.w1' ends at data byte 112", problem.Message);
        Assert.Contains("truncated", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_TensorTwiceInHeader_IsReported()
    {
        var dir = ShardedFolder();
        SafetensorsWriter.WriteRawHeader(Path.Combine(dir, First),
            """{"model.norm.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"model.norm.weight":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}""", 32);
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == First && p.Message.Contains("'model.norm.weight' appears twice in the header"));
    }

    [Fact]
    public async Task VerifyAsync_IndexNamesMissingShard_ReportsMissingFile()
    {
        var dir = ShardedFolder();
        File.Delete(Path.Combine(dir, Second));
        var problem = await SingleProblem(dir, Second);
        Assert.Equal(ProblemKind.Missing, problem.Kind);
        Assert.Contains("named by model.safetensors.index.json but not on disk", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_IndexListsTensorTwice_IsReported()
    {
        var dir = ShardedFolder();
        var indexPath = Path.Combine(dir, "model.safetensors.index.json");
        var text = File.ReadAllText(indexPath).Replace("\"weight_map\":{", "\"weight_map\":{\"lm_head.weight\":\"" + Second + "\",", StringComparison.Ordinal);
        File.WriteAllText(indexPath, text);
        var problem = await SingleProblem(dir, "model.safetensors.index.json");
        Assert.Contains("lists tensor 'lm_head.weight' more than once", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_TensorInTwoShards_IsReported()
    {
        var dir = ShardedFolder();
        SafetensorsWriter.Write(Path.Combine(dir, Second), [.. Shard2, SafetensorsWriter.F32("model.norm.weight", 4)]);
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.File == "model.safetensors.index.json"
            && p.Message.Contains($"tensor 'model.norm.weight' is stored in 2 shards ({First}, {Second})"));
    }

    [Fact]
    public async Task VerifyAsync_IndexOmitsTensor_IsReported()
    {
        var dir = ShardedFolder(editIndex: i => i["weight_map"]!.AsObject().Remove("lm_head.weight"));
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.Message.Contains($"does not list tensor 'lm_head.weight', which {Second} holds"));
    }

    [Fact]
    public async Task VerifyAsync_IndexMapsTensorToWrongShard_IsReported()
    {
        var dir = ShardedFolder(editIndex: i => i["weight_map"]!["lm_head.weight"] = First);
        var report = await Verify(dir);
        Assert.Contains(report.Problems, p => p.Message.Contains($"maps tensor 'lm_head.weight' to {First}, but it is in {Second}"));
    }

    [Fact]
    public async Task VerifyAsync_IndexNamesTensorNoShardHolds_IsReported()
    {
        var dir = ShardedFolder(editIndex: i => i["weight_map"]!["model.layers.1.ghost"] = First);
        var problem = await SingleProblem(dir, "model.safetensors.index.json");
        Assert.Contains($"maps tensor 'model.layers.1.ghost' to {First}, which does not hold it", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_TotalSizeMismatch_IsReported()
    {
        var dir = ShardedFolder(editIndex: i => i["metadata"]!["total_size"] = 999);
        var problem = await SingleProblem(dir, "model.safetensors.index.json");
        Assert.Contains("metadata.total_size is 999 bytes but the shards' tensors add up to 192 bytes", problem.Message);
    }

    [Fact]
    public async Task VerifyAsync_IndexWithoutTotalSize_Passes()
    {
        var dir = ShardedFolder(editIndex: i => i.Remove("metadata"));
        Assert.True((await Verify(dir)).Ok);
    }
}
