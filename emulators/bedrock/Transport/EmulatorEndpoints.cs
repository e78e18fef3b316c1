using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace BedrockNovaProxy.Emulators.Bedrock.Transport;

/// <summary>Where the emulator listens, and how: the plain endpoints (HTTP/1.1, from --urls), an h2c endpoint (HTTP/2
/// with prior knowledge; Kestrel cannot offer HTTP/1.1 and h2c on one plaintext port) and an HTTPS endpoint that
/// negotiates h2 or http/1.1 by ALPN on a certificate from a local CA. Every connection is counted per protocol.</summary>
public sealed class EmulatorEndpoints : IDisposable
{
    private readonly List<(ListenOptions Listen, Uri Configured)> _plain = [];
    private (ListenOptions Listen, Uri Configured)? _http2;
    private (ListenOptions Listen, Uri Configured)? _https;
    private LocalCertificateAuthority? _authority;
    private X509Certificate2? _server;
    private bool _ownsDirectory;

    /// <summary>The first plain (HTTP/1.1) endpoint, once started; null when there is none.</summary>
    public Uri? Http1Url => _plain.Count == 0 ? null : UrlOf(_plain[0], "http");

    /// <summary>The h2c endpoint, once started.</summary>
    public Uri? Http2Url => _http2 is { } h2c ? UrlOf(h2c, "http") : null;

    /// <summary>The HTTPS endpoint, once started.</summary>
    public Uri? HttpsUrl => _https is { } https ? UrlOf(https, "https") : null;

    /// <summary>The PEM file of the CA that issued the HTTPS endpoint's certificate: what a client trusts.</summary>
    public string? CaBundlePath { get; private set; }

    internal static EmulatorEndpoints Configure(WebApplicationBuilder builder, BedrockEmulatorOptions options, string defaultUrl, EmulatorStats stats)
    {
        var endpoints = new EmulatorEndpoints();
        var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : defaultUrl;
        if (!string.IsNullOrWhiteSpace(options.HttpsUrl))
        {
            endpoints.CreateCertificates(options.Tls);
        }

        // Every endpoint is bound here, so --urls is read once and not bound a second time by the host.
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                endpoints._plain.Add(Listen(kestrel, url, HttpProtocols.Http1, stats));
            }

            if (!string.IsNullOrWhiteSpace(options.Http2Url))
            {
                endpoints._http2 = Listen(kestrel, options.Http2Url, HttpProtocols.Http2, stats);
            }

            if (!string.IsNullOrWhiteSpace(options.HttpsUrl))
            {
                endpoints._https = Listen(kestrel, options.HttpsUrl, options.Tls.Protocols, stats, endpoints._server);
            }
        });
        return endpoints;
    }

    private void CreateCertificates(TlsOptions tls)
    {
        _authority = LocalCertificateAuthority.Create();
        _server = _authority.IssueServerCertificate();
        var directory = tls.Directory;
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = Directory.CreateTempSubdirectory("bnp-local-bedrock-tls-").FullName;
            _ownsDirectory = true;
        }

        Directory.CreateDirectory(directory);
        CaBundlePath = Path.Combine(directory, "ca.pem");
        _authority.WritePem(CaBundlePath);
    }

    private static (ListenOptions, Uri) Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, EmulatorStats stats, X509Certificate2? certificate = null)
    {
        var uri = new Uri(url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal));
        if (certificate is null != (uri.Scheme == "http"))
        {
            throw new InvalidOperationException($"'{url}': plain and h2c endpoints are http://, the TLS endpoint https://.");
        }

        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }

            listen.Use(next => connection => CountAsync(connection, next, protocols, stats));
            bound = listen;
        }

        if (uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, Configure);
        }

        return (bound!, uri);
    }

    /// <summary>Counts a connection (after the TLS handshake, when there is one) under the protocol it speaks.</summary>
    private static async Task CountAsync(ConnectionContext connection, ConnectionDelegate next, HttpProtocols protocols, EmulatorStats stats)
    {
        var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol;
        var protocol = protocols == HttpProtocols.Http2 || (alpn is { } negotiated && negotiated.Span.SequenceEqual("h2"u8)) ? "HTTP/2" : "HTTP/1.1";
        stats.ConnectionOpened(protocol);
        try
        {
            await next(connection);
        }
        finally
        {
            stats.ConnectionClosed(protocol);
        }
    }

    /// <summary>The address Kestrel bound (the real port when 0 was asked for); localhost keeps its name.</summary>
    private static Uri UrlOf((ListenOptions Listen, Uri Configured) endpoint, string scheme)
    {
        if (endpoint.Listen.IPEndPoint is not { } bound)
        {
            return new Uri($"{scheme}://localhost:{endpoint.Configured.Port}");
        }

        var address = bound.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : bound.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : bound.Address;
        return new UriBuilder(scheme, address.ToString(), bound.Port).Uri;
    }

    public void Dispose()
    {
        _server?.Dispose();
        _authority?.Dispose();
        if (_ownsDirectory && CaBundlePath is not null)
        {
            Directory.Delete(Path.GetDirectoryName(CaBundlePath)!, recursive: true);
        }
    }
}
