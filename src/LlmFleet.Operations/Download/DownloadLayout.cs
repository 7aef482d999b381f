namespace LlmFleet.Operations.Download;

/// <summary>Where a download's files go, where their partial copies wait, and how a verified file is put in place.</summary>
internal abstract class DownloadLayout
{
    /// <summary>The folder vLLM is pointed at (or finds through the cache).</summary>
    public abstract string ModelFolder { get; }

    /// <summary>The file as readers see it once in place.</summary>
    public abstract string FinalPath(HubFile file);

    /// <summary>Where the file grows while downloading; never a name vLLM reads.</summary>
    public abstract string PartialPath(HubFile file);

    /// <summary>Moves a verified partial file into place.</summary>
    public abstract void Place(HubFile file, string partialPath);

    /// <summary>A file already in place from an earlier run is linked where it belongs (cache snapshots).</summary>
    public virtual void Adopt(HubFile file)
    {
    }

    public virtual void Finish(HubRepo repo)
    {
    }

    public static DownloadLayout For(DownloadOptions options, HubRepo repo) =>
        options.Dir is { } dir ? new PlainFolderLayout(dir) : new HubCacheLayout(options.Cache!, repo);
}

/// <summary>
/// Files at their repository paths under a folder (<c>--dir</c>), partial copies under
/// <c>.cache/huggingface/download/</c> as huggingface_hub's local-dir downloads keep them.
/// </summary>
internal sealed class PlainFolderLayout(string dir) : DownloadLayout
{
    public override string ModelFolder => dir;

    public override string FinalPath(HubFile file) => Path.Combine(dir, file.Path);

    public override string PartialPath(HubFile file) => Path.Combine(dir, ".cache", "huggingface", "download", file.Path + ".incomplete");

    public override void Place(HubFile file, string partialPath)
    {
        var final = FinalPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(partialPath, final, overwrite: true);
    }
}

/// <summary>
/// The hub cache layout huggingface_hub writes and vLLM reads with <c>HF_HUB_OFFLINE=1</c>:
/// <c>models--org--name/blobs/&lt;digest&gt;</c>, <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> as relative links to the
/// blobs, <c>refs/&lt;revision&gt;</c> holding the commit; partial blobs are <c>blobs/&lt;digest&gt;.incomplete</c>.
/// </summary>
internal sealed class HubCacheLayout(string cache, HubRepo repo) : DownloadLayout
{
    private readonly string _repoDir = Path.Combine(cache, "models--" + repo.RepoId.Replace("/", "--", StringComparison.Ordinal));

    public override string ModelFolder => Path.Combine(_repoDir, "snapshots", repo.Commit);

    public override string FinalPath(HubFile file) => Path.Combine(_repoDir, "blobs", file.BlobName);

    public override string PartialPath(HubFile file) => FinalPath(file) + ".incomplete";

    public override void Place(HubFile file, string partialPath)
    {
        File.Move(partialPath, FinalPath(file), overwrite: true);
        Adopt(file);
    }

    public override void Adopt(HubFile file)
    {
        var link = Path.Combine(ModelFolder, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var target = Path.GetRelativePath(Path.GetDirectoryName(link)!, FinalPath(file));
        if (new FileInfo(link) is { LinkTarget: { } existing } && existing == target)
        {
            return;
        }
        File.Delete(link);
        File.CreateSymbolicLink(link, target);
    }

    public override void Finish(HubRepo repo)
    {
        if (repo.Revision != repo.Commit)
        {
            Directory.CreateDirectory(Path.Combine(_repoDir, "refs"));
            File.WriteAllText(Path.Combine(_repoDir, "refs", repo.Revision), repo.Commit);
        }
    }
}
