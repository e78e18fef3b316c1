using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BedrockNovaProxy.Aws;
using static BedrockNovaProxy.GitOps.Json.JsonNodes;

namespace BedrockNovaProxy.GitOps.Aws;

/// <summary>An AWS call that failed: refused by the service (<see cref="Code"/> is AWS's error code, such as
/// AccessDeniedException), or never made (no credentials, no connection). The message says what to do.</summary>
public sealed class AwsException(string message, string code) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>One AWS API on the JSON protocol (awsJson1_0 / awsJson1_1): every operation is a SigV4-signed POST to /
/// with X-Amz-Target "{targetPrefix}.{operation}", a JSON body and Content-Type application/x-amz-json-{version};
/// errors carry their code in "__type" (or the X-Amzn-ErrorType header) and a "message". The facts of each API come
/// from botocore's data/&lt;service&gt;/&lt;version&gt;/service-2.json metadata.</summary>
/// <param name="Api">The API's name in messages ("Cost Explorer").</param>
/// <param name="Permission">The IAM action a refusal names, for the hint ("ce:GetCostAndUsage").</param>
/// <param name="QueryCompatible">The model's awsQueryCompatible trait (an API that moved from the Query protocol):
/// clients send x-amzn-query-mode: true, and errors name their Query code in x-amzn-query-error.</param>
public sealed record AwsApi(string Api, string SigningName, string TargetPrefix, string JsonVersion, string Permission, bool QueryCompatible = false);

public sealed class AwsJsonClient(HttpClient http, AwsApi api, Uri endpoint, string region, IAwsCredentialSource credentials, TimeProvider time)
{
    private readonly SigV4Signer _signer = new(endpoint, region, api.SigningName);

    public async Task<JsonNode> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        Amazon.Runtime.ImmutableCredentials creds;
        try
        {
            creds = await credentials.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new AwsException($"no AWS credentials for {api.Api}: {e.Message} (the standard chain: environment, web identity, profile, container, instance)", "NoCredentials");
        }

        var body = Encoding.UTF8.GetBytes(request.ToJsonString());
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{api.TargetPrefix}.{operation}" };
        if (api.QueryCompatible)
        {
            headers["x-amzn-query-mode"] = "true";
        }

        var signed = _signer.Sign("/", null, body, $"application/x-amz-json-{api.JsonVersion}", creds, time.GetUtcNow().UtcDateTime, headers: headers);
        using var message = signed.ToHttpRequest(body);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new AwsException($"cannot reach {api.Api} at {endpoint}: {e.Message}", "Unreachable");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? json;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Refusal(operation, (int)response.StatusCode, json, Header(response, "x-amzn-query-error") ?? Header(response, "X-Amzn-ErrorType"));
            }

            return json ?? throw new AwsException($"{api.Api} {operation} answered {(int)response.StatusCode} without a JSON body", "InvalidResponse");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) => response.Headers.TryGetValues(name, out var values) ? values.First() : null;

    private AwsException Refusal(string operation, int status, JsonNode? body, string? errorHeader)
    {
        // "com.amazonaws.ce#AccessDeniedException", "AccessDeniedException:http://internal..." or (Query-compatible)
        // "InvalidParameterValue;Sender" -> the bare code.
        var raw = (api.QueryCompatible ? errorHeader : null) ?? Text(body?["__type"]) ?? errorHeader ?? $"HTTP{status}";
        var code = raw[(raw.LastIndexOf('#') + 1)..].Split(':', ';')[0];
        var said = Text(body?["message"]) ?? Text(body?["Message"]) ?? "no message";
        var hint = code switch
        {
            "AccessDeniedException" or "AccessDenied" => $"the caller needs {api.Permission}",
            "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException" or "ExpiredTokenException" or "IncompleteSignature"
                => "check the AWS credentials (expired or for another partition?)",
            "ThrottlingException" or "LimitExceededException" or "Throttling" => "too many calls: try again in a minute",
            "DataUnavailableException" => "Cost Explorer has no data for this period yet (it must be enabled for the account, and takes up to 24 hours)",
            _ => null,
        };
        return new AwsException($"{api.Api} refused {operation} ({status} {code}): {said}{(hint is null ? "" : $" ({hint})")}", code);
    }
}
