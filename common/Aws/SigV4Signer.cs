using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace BedrockNovaProxy.Aws;

// SigV4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html) for Bedrock Runtime
// (signing name "bedrock") and any other AWS API by its signing name (the gitops CLI signs Cost Explorer "ce" and
// CloudWatch "monitoring" with it). Written here rather than through AWSSDK.Core's AWS4Signer because it is on every
// proxied request: AWS4Signer built a request object, sorted dictionaries and derived the signing key anew per call
// (up to twice the time and four times the bytes); this derives the key once a day, hashes the payload once and builds
// the canonical request in one pooled buffer (docs/decisions.md has the figures). AWSSDK.Core and botocore remain its
// judges: the tests compare its signatures with theirs on tables and generated requests, and the local Bedrock
// verifies every request the proxy sends with AWS4Signer's own computation.
public sealed class SigV4Signer(Uri endpoint, string region, string signingName = SigV4Signer.SigningName)
{
    public const string SigningName = "bedrock";
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const int MaxCachedTargets = 1024;

    // A request target per resource path and model: the URI and its canonical (double-encoded) path, both fixed.
    private readonly ConcurrentDictionary<(string Path, string? ModelId), Target> _targets = new();
    private readonly string _host = endpoint.Authority;
    private readonly string _basePath = endpoint.AbsolutePath.TrimEnd('/');
    private SigningKey? _key;
    private FormattedDate? _date;

    public Uri Endpoint { get; } = endpoint;
    public string Region { get; } = region;
    public string Service { get; } = signingName;

    /// <summary>Signs a POST of <paramref name="body"/> to <paramref name="resourcePath"/> (with a {modelId} label
    /// when <paramref name="modelId"/> is given) and returns the request URI and the headers to send. Extra
    /// <paramref name="headers"/> (X-Amz-Target for the JSON protocols) are signed with the others.</summary>
    public SignedRequest Sign(string resourcePath, string? modelId, byte[] body, string contentType, ImmutableCredentials credentials, DateTime signedAtUtc,
        string? accept = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var target = TargetFor(resourcePath, modelId);
        var amzDate = AmzDate(signedAtUtc);
        var date = amzDate[..8];
        var hashes = Hashes.ForThread();
        Span<byte> hash = stackalloc byte[32];
        hashes.Sha256.AppendData(body);
        hashes.Sha256.GetHashAndReset(hash);
        var payloadHash = Convert.ToHexStringLower(hash);

        var signed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = contentType,
            ["X-Amz-Date"] = amzDate,
            ["X-Amz-Content-SHA256"] = payloadHash,
        };
        if (accept is not null)
        {
            signed["Accept"] = accept;
        }

        if (credentials.UseToken)
        {
            signed["X-Amz-Security-Token"] = credentials.Token;
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                signed[name] = value;
            }
        }

        // The canonical headers: the ones sent plus host, by lower-case name, values trimmed with inner runs of spaces
        // folded to one.
        var names = new string[signed.Count + 1];
        var values = new string[names.Length];
        var i = 0;
        (names[i], values[i++]) = ("host", _host);
        foreach (var (name, value) in signed)
        {
            (names[i], values[i++]) = (name.ToLowerInvariant(), value);
        }

        Array.Sort(names, values, StringComparer.Ordinal);
        var signedHeaders = string.Join(';', names);

        var text = hashes.Text;
        text.ResetWrittenCount();
        Append(text, "POST\n");
        Append(text, target.CanonicalPath);
        Append(text, "\n\n");
        for (i = 0; i < names.Length; i++)
        {
            Append(text, names[i]);
            Append(text, ":");
            AppendFolded(text, values[i].AsSpan().Trim());
            Append(text, "\n");
        }

        Append(text, "\n");
        Append(text, signedHeaders);
        Append(text, "\n");
        Append(text, payloadHash);
        hashes.Sha256.AppendData(text.WrittenSpan);
        hashes.Sha256.GetHashAndReset(hash);

        var scope = $"{date}/{Region}/{Service}/aws4_request";
        text.ResetWrittenCount();
        Append(text, $"{Algorithm}\n{amzDate}\n{scope}\n");
        Span<char> hexChars = stackalloc char[64];
        Convert.TryToHexStringLower(hash, hexChars, out _);
        Append(text, hexChars);
        var hmac = hashes.HmacFor(KeyFor(credentials.SecretKey, date));
        hmac.AppendData(text.WrittenSpan);
        hmac.GetHashAndReset(hash);
        Convert.TryToHexStringLower(hash, hexChars, out _);
        signed["Authorization"] = $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={hexChars}";
        return new SignedRequest(target.Uri, signed);
    }

    /// <summary>x-amz-date (yyyyMMddTHHmmssZ) of a time, formatted once a second.</summary>
    private string AmzDate(DateTime signedAtUtc)
    {
        var second = signedAtUtc.Ticks / TimeSpan.TicksPerSecond;
        if (_date is { } cached && cached.Second == second)
        {
            return cached.Text;
        }

        var text = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        _date = new FormattedDate(second, text);
        return text;
    }

    /// <summary>The signing key of a secret on a day (four HMACs): derived once, then reused until the day or the
    /// secret changes.</summary>
    private byte[] KeyFor(string secret, string date)
    {
        var key = _key;
        if (key is not null && key.Date == date && key.Secret == secret)
        {
            return key.Bytes;
        }

        var bytes = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        bytes = HMACSHA256.HashData(bytes, Encoding.UTF8.GetBytes(Region));
        bytes = HMACSHA256.HashData(bytes, Encoding.UTF8.GetBytes(Service));
        bytes = HMACSHA256.HashData(bytes, "aws4_request"u8);
        _key = new SigningKey(secret, date, bytes);
        return bytes;
    }

    private Target TargetFor(string resourcePath, string? modelId)
    {
        if (_targets.TryGetValue((resourcePath, modelId), out var target))
        {
            return target;
        }

        // The label's value is encoded once in the URI (':' as %3A, '/' as %2F) and once more in the canonical path,
        // as every AWS service but S3 expects.
        var path = _basePath + (modelId is null ? resourcePath : resourcePath.Replace("{modelId}", Encode(modelId), StringComparison.Ordinal));
        target = new Target(new Uri(Endpoint.GetLeftPart(UriPartial.Authority) + path),
            path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Encode)));
        if (_targets.Count < MaxCachedTargets)
        {
            _targets.TryAdd((resourcePath, modelId), target);
        }

        return target;
    }

    /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~), on UTF-8.</summary>
    internal static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<char> text)
    {
        var written = Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        buffer.Advance(written);
    }

    /// <summary>A header value with each run of spaces folded to one, as the canonical form wants.</summary>
    private static void AppendFolded(ArrayBufferWriter<byte> buffer, ReadOnlySpan<char> value)
    {
        while (value.IndexOf("  ") is var run and >= 0)
        {
            Append(buffer, value[..(run + 1)]);
            value = value[(run + 1)..].TrimStart(' ');
        }

        Append(buffer, value);
    }

    private sealed record Target(Uri Uri, string CanonicalPath);

    private sealed record SigningKey(string Secret, string Date, byte[] Bytes);

    private sealed record FormattedDate(long Second, string Text);

    /// <summary>Each thread's hash objects and text buffer, reused from one signature to the next: a one-shot hash or
    /// HMAC sets up OpenSSL's context anew each time, which cost more than the hashing itself.</summary>
    private sealed class Hashes
    {
        [ThreadStatic]
        private static Hashes? PerThread;

        private byte[]? _hmacKey;
        private IncrementalHash? _hmac;

        public IncrementalHash Sha256 { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public ArrayBufferWriter<byte> Text { get; } = new(1024);

        public static Hashes ForThread() => PerThread ??= new Hashes();

        /// <summary>An HMAC-SHA256 keyed with <paramref name="key"/> (the same array while the signing key stands).</summary>
        public IncrementalHash HmacFor(byte[] key)
        {
            if (!ReferenceEquals(key, _hmacKey))
            {
                _hmac?.Dispose();
                (_hmac, _hmacKey) = (IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key), key);
            }

            return _hmac!;
        }
    }
}

public sealed record SignedRequest(Uri Uri, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The POST to send: content headers on the content, the others on the request; HttpClient sets
    /// Content-Length itself.</summary>
    public HttpRequestMessage ToHttpRequest(byte[] body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Uri) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }
}
