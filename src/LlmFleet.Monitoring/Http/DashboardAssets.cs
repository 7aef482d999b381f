using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Monitoring.Http;

/// <summary>
/// Serves the dashboard (<c>/dashboard</c>): a page, a stylesheet and a hand-written script embedded in this assembly,
/// so the gateway needs no CDN, no file system and no build step for it.
/// </summary>
public static class DashboardAssets
{
    private const string Prefix = "LlmFleet.Monitoring.Dashboard.";

    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Load();

    public static async Task ServeAsync(HttpContext context)
    {
        var name = (context.Request.Path.Value ?? "").Trim('/');
        if (name.Length == 0)
        {
            if (!(context.Request.PathBase.Value ?? "").EndsWith('/') && !(context.Request.Path.Value ?? "").EndsWith('/'))
            {
                // Relative asset URLs in the page resolve against /dashboard/. A relative redirect, so it also works
                // behind a proxy that serves the gateway under a path prefix.
                context.Response.Redirect("dashboard/");
                return;
            }
            name = "index.html";
        }
        if (!Files.TryGetValue(name, out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = file.ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(file.Body, context.RequestAborted);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            });
        }
        return files;
    }
}
