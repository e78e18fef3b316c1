using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.Runtime.Internal.Auth;
using BedrockNovaProxy.Emulators.Bedrock.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>An AWS JSON-protocol endpoint on 127.0.0.1 that answers from recorded responses (tests/GitOps.Tests/Recorded)
/// and keeps every request it was sent.</summary>
internal sealed class RecordedAws : IAsyncDisposable
{
    public const string AccessKey = "AKIDGITOPSTEST", SecretKey = "gitops-test-secret-key";

    private readonly WebApplication _app;

    private RecordedAws(WebApplication app)
    {
        _app = app;
        Url = new Uri(app.Urls.First() + "/");
    }

    public Uri Url { get; }

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>One request: its headers (lower-case names), the raw path and the body.</summary>
    public sealed record Call(IReadOnlyDictionary<string, string> Headers, string RawTarget, byte[] Body)
    {
        public string Target => Headers.GetValueOrDefault("x-amz-target", "");

        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    /// <summary>A recorded answer: status, a file under Recorded/, and extra headers.</summary>
    public sealed record Answer(int Status, string File, IReadOnlyDictionary<string, string>? Headers = null);

    public static async Task<RecordedAws> StartAsync(Func<Call, Answer> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        RecordedAws? server = null;
        app.MapPost("/", async context =>
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var call = new Call(
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                body.ToArray());
            server!.Calls.Enqueue(call);
            var (status, file, headers) = answer(call);
            context.Response.StatusCode = status;
            context.Response.ContentType = call.Headers.GetValueOrDefault("content-type", "application/json");
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.WriteAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Recorded", file)));
        });
        await app.StartAsync();
        return server = new RecordedAws(app);
    }

    /// <summary>Checks a request's SigV4 signature the way AWS does: the credential scope names the service and the
    /// Region, X-Amz-Target is among the signed headers, and the signature is recomputed from a canonical request
    /// built by the Bedrock emulator's verifier (code the signer does not share).</summary>
    public static void AssertSigned(Call call, string service, string region)
    {
        var authorization = call.Headers["authorization"];
        var date = call.Headers["x-amz-date"];
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/{date[..8]}/{region}/{service}/aws4_request, SignedHeaders=", authorization, StringComparison.Ordinal);
        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var signedHeaders = parts["SignedHeaders"];
        Assert.Contains("x-amz-target", signedHeaders.Split(';'));
        Assert.Contains("host", signedHeaders.Split(';'));

        var canonical = SigV4Verifier.CanonicalRequest(new SignedRequestData("POST", call.RawTarget, call.Headers, call.Body), signedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(call.Body)));
        var signedAt = DateTime.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.Equal(AWS4Signer.ComputeSignature(AccessKey, SecretKey, region, signedAt, service, signedHeaders, canonical).Signature, parts["Signature"]);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A clock that says one moment.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
