using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Discovery;

/// <summary>
/// How a pod talks to its API server: <c>https://kubernetes.default.svc</c>, the service-account token as a bearer
/// token (re-read on each request: kubelet rotates it), the cluster CA from the same mount.
/// </summary>
internal static class InCluster
{
    private const string Mount = PodServiceAccount.Mount;

    public static HttpClient Client(Uri? apiServer)
    {
        if (apiServer is not null)
        {
            return new HttpClient { BaseAddress = apiServer, Timeout = Timeout.InfiniteTimeSpan };
        }
        var handler = new SocketsHttpHandler();
        var caPath = Path.Combine(Mount, "ca.crt");
        if (File.Exists(caPath))
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
            {
                if (cert is null || chain is null)
                {
                    return false;
                }
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                return chain.Build(new X509Certificate2(cert));
            };
        }
        return new HttpClient(new TokenHandler(handler)) { BaseAddress = new Uri("https://kubernetes.default.svc"), Timeout = Timeout.InfiniteTimeSpan };
    }

    private sealed class TokenHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = Path.Combine(Mount, "token");
            if (File.Exists(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(token).Trim());
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
