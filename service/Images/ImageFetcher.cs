using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Images;

/// <summary>Fetches http(s) image URLs for models that only take inline images, when the customer allows it: only
/// from allow-listed hosts, only to public addresses (checked on the address actually connected to, so DNS tricks
/// cannot reach the proxy's own network), no redirects, within a size and time budget, image types Nova reads.
/// Without an allow-list nothing is fetched and such URLs get a clear 400.</summary>
public sealed class ImageFetcher
{
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];
    private readonly ImageFetchOptions _options;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public ImageFetcher(ProxyConfiguration configuration, TimeProvider time)
    {
        _options = configuration.Options.ImageFetch;
        // A fetched image obeys the per-image limit as an inline one does; the fetch budget may be smaller still.
        _maxBytes = Math.Min(_options.MaxBytes, configuration.Options.Limits.MaxImageBytes);
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectToPublicAddressAsync,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("bedrock-nova-proxy", "1.0"));
    }

    public bool Enabled => _options.AllowedHosts.Count > 0;

    /// <summary>Replaces the request's remote image URLs with fetched data URLs (a no-op when fetching is off).</summary>
    /// <returns>Whether any image was fetched.</returns>
    public async Task<bool> InlineAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return false;
        }

        var urls = ImageUrls.Remote(request.Messages).ToList();
        if (urls.Count == 0)
        {
            return false;
        }

        var dataUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (url, param) in urls)
        {
            dataUrls[url] = await FetchAsync(url, param, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in request.Messages!.Where(m => m?.Role == "user" && m.Content is { ValueKind: System.Text.Json.JsonValueKind.Array }))
        {
            message!.Content = ImageUrls.Inline(message.Content!.Value, dataUrls);
        }

        return true;
    }

    private async Task<string> FetchAsync(string url, string param, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !HostAllowed(uri.IdnHost))
        {
            throw Refused($"Image host '{(uri?.IdnHost ?? url)}' is not allowed for this deployment; allowed: {string.Join(", ", _options.AllowedHosts)}.", param, "image_url_not_allowed");
        }

        using var budget = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Refused($"Fetching the image at {uri} answered {(int)response.StatusCode}{((int)response.StatusCode is >= 300 and < 400 ? " (redirects are not followed)" : "")}.", param, "invalid_image_url");
            }

            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
            if (type is null || !ImageTypes.Contains(type))
            {
                throw Refused($"The resource at {uri} is '{type}', not an image Amazon Nova reads (png, jpeg, gif, webp).", param, "invalid_image_url");
            }

            if (response.Content.Headers.ContentLength is { } length && length > _maxBytes)
            {
                throw TooLarge(uri, param, $"is {Translation.RequestLimits.Number(length)} bytes");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > _maxBytes)
                {
                    throw TooLarge(uri, param, $"is more than {Translation.RequestLimits.Number(_maxBytes)} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return $"data:{type};base64,{Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)}";
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Refused($"Fetching the image at {uri} took longer than {_options.Timeout.TotalSeconds} s.", param, "invalid_image_url");
        }
        catch (HttpRequestException e)
        {
            throw Refused(e.InnerException is RefusedAddressException refused ? refused.Message : $"The image at {uri} could not be fetched.", param, "invalid_image_url");
        }
        catch (IOException)
        {
            // The body ended before its Content-Length, or the connection dropped inside it (HttpIOException).
            throw Refused($"The image at {uri} could not be fetched: the connection ended inside its body.", param, "invalid_image_url");
        }
    }

    private bool HostAllowed(string host) => _options.AllowedHosts.Any(allowed =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase));

    private async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        var usable = addresses.Where(a => _options.AllowPrivateNetworks || NetworkAddresses.IsPublic(a)).ToArray();
        if (usable.Length == 0)
        {
            throw new RefusedAddressException($"Image host '{context.DnsEndPoint.Host}' resolves only to private, loopback or link-local addresses, which the proxy does not fetch from.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private OpenAiException TooLarge(Uri uri, string param, string size) =>
        Refused($"Invalid '{param}': the image at {uri} {size}, over the limit of {Translation.RequestLimits.Number(_maxBytes)} bytes per image.", param, "image_too_large");

    private static OpenAiException Refused(string message, string param, string code) =>
        new(new OpenAiError(400, message, OpenAiError.InvalidRequestType, param, code));

    private sealed class RefusedAddressException(string message) : Exception(message);
}
