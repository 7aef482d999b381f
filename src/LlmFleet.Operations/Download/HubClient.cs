using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Operations.Download;

/// <summary>
/// The parts of the Hugging Face Hub HTTP API a download needs, spoken as huggingface_hub does (hf_api.py,
/// file_download.py): <c>GET /api/models/{repo}/revision/{rev}?blobs=true</c> resolves the revision to a commit and
/// lists files with sizes and LFS SHA-256; <c>GET /{repo}/resolve/{commit}/{path}</c> with a Range header fetches
/// bytes, through redirects to a CDN. Redirects are followed here, so the token only ever goes to the endpoint's host.
/// </summary>
public sealed class HubClient(HttpClient http, Uri endpoint, string? token, RetryPolicy retry)
{
    private const int MaxRedirects = 10;

    /// <summary>An endpoint that cannot be reached at all is reported after a few seconds, not minutes.</summary>
    private const int ListingAttempts = 4;

    public RetryPolicy Retry => retry;

    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 64,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <exception cref="DownloadException">Unknown repository or revision, no access, or an answer we cannot read.</exception>
    public async Task<HubRepo> GetRepoAsync(string repoId, string revision, CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(url, null, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < ListingAttempts)
            {
                await retry.WaitAsync(attempt, null, cancellationToken);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new DownloadException($"{repoId}: cannot reach {endpoint} ({e.Message})", e);
            }
            using (response)
            {
                if (RetryPolicy.IsRetryable(response.StatusCode) && attempt < retry.MaxAttempts)
                {
                    await retry.WaitAsync(attempt, retry.RetryAfter(response), cancellationToken);
                    continue;
                }
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw new DownloadException($"{repoId}: {endpoint} refused access (HTTP {(int)response.StatusCode}); gated or private repositories need a token (HF_TOKEN, or `hf auth login`)");
                }
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new DownloadException($"{repoId}: no such repository or revision '{revision}' at {endpoint}");
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new DownloadException($"{repoId}: listing files failed with HTTP {(int)response.StatusCode}");
                }
                return Parse(repoId, revision, await response.Content.ReadAsByteArrayAsync(cancellationToken));
            }
        }
    }

    private static HubRepo Parse(string repoId, string revision, byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var commit = root.GetProperty("sha").GetString()!;
            var files = new List<HubFile>();
            foreach (var s in root.GetProperty("siblings").EnumerateArray())
            {
                var path = s.GetProperty("rfilename").GetString()!;
                var size = s.TryGetProperty("size", out var sz) ? sz.GetInt64() : 0;
                var digest = s.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object
                    ? new ExpectedDigest(DigestAlgorithm.Sha256, lfs.GetProperty("sha256").GetString()!, lfs.GetProperty("size").GetInt64())
                    : new ExpectedDigest(DigestAlgorithm.GitBlobSha1, s.GetProperty("blobId").GetString()!, size);
                files.Add(new HubFile(path, digest.SizeBytes ?? size, digest));
            }
            return new HubRepo(repoId, revision, commit, files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DownloadException($"{repoId}: the hub's file listing is not what huggingface_hub expects ({e.Message})", e);
        }
    }

    /// <summary>The hub's URL for a file's content at a commit; it usually redirects to a CDN.</summary>
    public Uri ResolveUrl(string repoId, string commit, string path) =>
        new(endpoint, $"{repoId}/resolve/{commit}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>
    /// GET bytes [<paramref name="from"/>, <paramref name="to"/>] of <paramref name="url"/>, redirects followed; the
    /// response's <see cref="HttpResponseMessage.RequestMessage"/> holds the URL that answered.
    /// </summary>
    public Task<HttpResponseMessage> GetRangeAsync(Uri url, long from, long to, CancellationToken cancellationToken) =>
        SendAsync(url, new RangeHeaderValue(from, to), cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(Uri url, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Range = range;
            request.Headers.UserAgent.ParseAdd("llmfleet/1.0");
            if (token is not null && IsEndpoint(url))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location && hop < MaxRedirects)
            {
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                response.Dispose();
                continue;
            }
            return response;
        }
    }

    private bool IsEndpoint(Uri url) => Uri.Compare(url, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
