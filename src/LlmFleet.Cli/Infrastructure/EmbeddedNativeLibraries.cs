using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>
/// Keeps the Native AOT release binary one file: SQLite's, Skia's and HarfBuzz's native libraries travel inside it as
/// resources (<c>native/…</c>, added by the csproj for AOT builds only) and are written out the first time a P/Invoke
/// asks for one — to <c>$DOTNET_BUNDLE_EXTRACT_BASE_DIR</c>, else <c>~/.net/llmfleet/&lt;digest&gt;/</c>, where a
/// single-file .NET app extracts its own native libraries. Commands that never touch them (<c>models</c>, <c>plan</c>)
/// write nothing. A library found beside the binary wins, so a packager may ship them separately.
/// </summary>
internal static class EmbeddedNativeLibraries
{
    private const string Prefix = "native/";

    public static void Register()
    {
        var embedded = typeof(EmbeddedNativeLibraries).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[Prefix.Length..], StringComparer.Ordinal);
        if (embedded.Count == 0)
        {
            return; // A JIT build: the runtime finds them under runtimes/<rid>/native as usual.
        }
        SetResolvers(embedded);
    }

    // Apart from Register so that the JIT, compiling Register at every start, does not load the three assemblies named
    // here for commands that never use them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SetResolvers(Dictionary<string, string> embedded)
    {
        foreach (var assembly in new[] { typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, typeof(SkiaSharp.SKCanvas).Assembly, typeof(HarfBuzzSharp.Blob).Assembly })
        {
            NativeLibrary.SetDllImportResolver(assembly, (name, _, _) => Resolve(name, embedded));
        }
    }

    private static IntPtr Resolve(string name, Dictionary<string, string> embedded)
    {
        var file = FileNameOf(name);
        if (!embedded.TryGetValue(file, out var resource))
        {
            return IntPtr.Zero; // Not ours: the runtime's own probing goes on.
        }
        var beside = Path.Combine(AppContext.BaseDirectory, file);
        return NativeLibrary.Load(File.Exists(beside) ? beside : Extract(resource, file));
    }

    /// <summary><c>e_sqlite3</c> → <c>libe_sqlite3.so</c>, <c>libSkiaSharp</c> → <c>libSkiaSharp.so</c> (Native AOT
    /// builds are Linux only: eng/release.sh).</summary>
    private static string FileNameOf(string name)
    {
        var file = name.EndsWith(".so", StringComparison.Ordinal) ? name : name + ".so";
        return file.StartsWith("lib", StringComparison.Ordinal) ? file : "lib" + file;
    }

    private static string Extract(string resource, string file)
    {
        using var stream = typeof(EmbeddedNativeLibraries).Assembly.GetManifestResourceStream(resource)!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        // The folder is named by the content, so two versions of llmfleet never share (or half-overwrite) a library.
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var folder = Path.Combine(ExtractBase(), digest);
        var path = Path.Combine(folder, file);
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length)
        {
            return path;
        }
        Directory.CreateDirectory(folder);
        // Written beside and renamed into place: a concurrent llmfleet sees the whole file or none.
        var partial = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, path, overwrite: true);
        return path;
    }

    private static string ExtractBase() =>
        Environment.GetEnvironmentVariable("DOTNET_BUNDLE_EXTRACT_BASE_DIR") is { Length: > 0 } dir ? Path.Combine(dir, "llmfleet")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".net", "llmfleet");
}
