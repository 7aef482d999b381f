// The floor of the stack the gateway must use: Kestrel and YARP's IHttpForwarder over one SocketsHttpHandler (the
// gateway's settings), forwarding every request to one backend with nothing else: no body read, no routing, no
// metrics, no logging. bench/gateway/proxy-overhead.sh measures its CPU per request beside the gateway's and nginx's,
// which separates what the gateway adds from what Kestrel, YARP and HttpClient cost by themselves.
//   dotnet BareProxy.dll BACKEND_URL LISTEN_URL
using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(args[1]);
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Services.AddHttpForwarder();
var app = builder.Build();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    MaxConnectionsPerServer = int.MaxValue,
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var backend = args[0];
app.Map("/{**path}", async context => await forwarder.SendAsync(context, backend, invoker));
Console.WriteLine($"bare proxy to {backend} listening on {args[1]}");
app.Run();
