using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A minimal hub for the download benchmark: serves every file of a folder as repository "bench/model" through the
// hub API's revision listing (with LFS sha256) and /resolve/ with byte ranges, on 127.0.0.1.
//   dotnet HubServer.dll <folder> <port>
var folder = args[0];
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
var app = builder.Build();

var siblings = Directory.EnumerateFiles(folder).Select(path =>
{
    using var stream = File.OpenRead(path);
    return new
    {
        rfilename = Path.GetFileName(path),
        size = stream.Length,
        blobId = "0000000000000000000000000000000000000000",
        lfs = new { sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)), size = stream.Length, pointerSize = 134 },
    };
}).ToList();

app.MapGet("/api/models/bench/model/revision/{rev}", () =>
    Results.Json(new { id = "bench/model", sha = "2222222222222222222222222222222222222222", siblings }));
app.MapGet("/bench/model/resolve/{rev}/{name}", (string name) =>
    Results.File(Path.Combine(Path.GetFullPath(folder), name), "application/octet-stream", enableRangeProcessing: true));
await app.StartAsync();
Console.WriteLine(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
await app.WaitForShutdownAsync();
