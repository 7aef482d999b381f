using LlmFleet.Operations.Deploy;

namespace LlmFleet.Operations.Tests.Deploy;

public sealed class BundleWriterTests
{
    [Fact]
    public void Write_NewFolder_AllFilesAndNoTemporaryFolderLeft()
    {
        var root = TestPaths.NewTempDirectory();
        var outDir = Path.Combine(root, "out");
        BundleWriter.Write(outDir, [new DeployFile("a.yaml", "a: 1\n"), new DeployFile("README.md", "# x\n")]);

        Assert.Equal("a: 1\n", File.ReadAllText(Path.Combine(outDir, "a.yaml")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_NonEmptyFolder_RefusesAndLeavesItAsItWas()
    {
        var outDir = TestPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(outDir, "mine.txt"), "keep");

        Assert.Throws<IOException>(() => BundleWriter.Write(outDir, [new DeployFile("a.yaml", "a: 1\n")]));
        Assert.Equal(["mine.txt"], Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_PathOutsideTheFolder_WritesNothing()
    {
        var root = TestPaths.NewTempDirectory();
        var outDir = Path.Combine(root, "out");
        Assert.Throws<InvalidOperationException>(() => BundleWriter.Write(outDir, [new DeployFile("ok.yaml", ""), new DeployFile("../escape.yaml", "")]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }
}
