namespace BedrockNovaProxy.Emulators.Lambda;

/// <summary>Which event the front hands to the function.</summary>
public enum EventFormat
{
    /// <summary>API Gateway REST API, Lambda proxy integration (payload format 1.0).</summary>
    RestApiV1,

    /// <summary>API Gateway HTTP API, payload format 2.0.</summary>
    HttpApiV2,

    /// <summary>Lambda Function URL (payload format 2.0, stage "$default").</summary>
    FunctionUrl,
}

/// <summary>Configuration section "Emulator". Limits default to API Gateway's and Lambda's documented quotas.</summary>
public sealed class LambdaEmulatorOptions
{
    public EventFormat EventFormat { get; set; } = EventFormat.RestApiV1;

    /// <summary>Response streaming (REST integration ResponseTransferMode STREAM, Function URL RESPONSE_STREAM).</summary>
    public bool Streaming { get; set; }

    public string FunctionName { get; set; } = "bedrock-nova-proxy";

    public string Region { get; set; } = "us-east-1";

    /// <summary>The function's timeout: the invocation deadline handed to the worker.</summary>
    public TimeSpan FunctionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A REST API's integration timeout for buffered responses (29 s by default). HTTP APIs wait 30 s.</summary>
    public TimeSpan IntegrationTimeout { get; set; } = TimeSpan.FromSeconds(29);

    /// <summary>Largest request and buffered response payload: Lambda's 6 MB synchronous invocation limit.</summary>
    public int MaxPayloadBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Stage throttling: steady requests per second (0 turns throttling off) and burst (bucket size).</summary>
    public double ThrottleRate { get; set; }

    public int ThrottleBurst { get; set; }

    /// <summary>The function's process, when the emulator starts it (as Lambda starts the runtime in its execution
    /// environment); unset, workers start on their own and point AWS_LAMBDA_RUNTIME_API at the Runtime API.</summary>
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>Ports on 127.0.0.1; 0 picks a free one.</summary>
    public int RuntimePort { get; set; }

    public int ApiPort { get; set; }
}

/// <summary>Emulator:Worker: the runtime process of the function, e.g. Command=node,
/// Arguments:0=node_modules/aws-lambda-ric/index.mjs, Handler=index.handler, WorkingDirectory=the function's folder.</summary>
public sealed class WorkerOptions
{
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    /// <summary>LAMBDA_TASK_ROOT, and the process's working directory.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>_HANDLER, as the function's configuration names it.</summary>
    public string? Handler { get; set; }

    /// <summary>The function's own environment variables.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];
}
