using System.Text;
using BedrockNovaProxy.Bedrock;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.OpenAi;
using BedrockNovaProxy.Pipeline;
using BedrockNovaProxy.Translation;
using Microsoft.Extensions.Configuration;

namespace BedrockNovaProxy.Tests.Unit;

public class ErrorTranslatorTests
{
    [Theory]
    [InlineData("ValidationException", 400, 400, "invalid_request_error", "bedrock_validation_error", false)]
    [InlineData("ThrottlingException", 429, 429, "rate_limit_error", "rate_limit_exceeded", true)]
    [InlineData("ServiceQuotaExceededException", 400, 429, "rate_limit_error", "rate_limit_exceeded", true)]
    [InlineData("ResourceNotFoundException", 404, 404, "invalid_request_error", "model_not_found", false)]
    [InlineData("AccessDeniedException", 403, 502, "server_error", "upstream_access_denied", false)]
    [InlineData("UnrecognizedClientException", 403, 502, "server_error", "upstream_authentication_failed", false)]
    [InlineData("InvalidSignatureException", 403, 502, "server_error", "upstream_authentication_failed", false)]
    [InlineData("ModelTimeoutException", 408, 504, "server_error", "upstream_timeout", false)]
    [InlineData("ServiceUnavailableException", 503, 503, "server_error", "service_unavailable", true)]
    [InlineData("ModelNotReadyException", 429, 503, "server_error", "model_not_ready", true)]
    [InlineData("ModelErrorException", 424, 502, "server_error", "model_error", false)]
    [InlineData("ModelStreamErrorException", 424, 502, "server_error", "model_error", false)]
    [InlineData("InternalServerException", 500, 502, "server_error", "upstream_error", false)]
    [InlineData("Http502", 502, 502, "server_error", "upstream_error", false)]
    public void Bedrock_errors_map_to_openai_errors(string type, int upstream, int status, string openAiType, string code, bool retryAfter)
    {
        var error = ErrorTranslator.FromBedrock(new BedrockException(upstream, type, "the message"));
        Assert.Equal((status, openAiType, code, retryAfter), (error.Status, error.Type, error.Code, error.RetryAfter is not null));
        Assert.Contains("the message", error.Message);
    }

    [Theory]
    [InlineData(true, 504, "upstream_timeout")]
    [InlineData(false, 503, "service_unavailable")]
    public void Transport_failures_are_timeouts_or_unavailability(bool timedOut, int status, string code)
    {
        var error = ErrorTranslator.FromTransport(new BedrockTransportException("x", timedOut));
        Assert.Equal((status, code), (error.Status, error.Code));
    }

    [Theory]
    [InlineData("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/", "ValidationException")]
    [InlineData("com.amazon.coral.validate#ValidationException", "ValidationException")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("ThrottlingException", "ThrottlingException")]
    public void Error_types_are_sanitised_as_smithy_says(string raw, string type) =>
        Assert.Equal(type, BedrockException.SanitizeErrorType(raw));

    [Theory]
    [InlineData("throttlingException", "ThrottlingException", 429)]
    [InlineData("modelStreamErrorException", "ModelStreamErrorException", 424)]
    [InlineData("internalServerException", "InternalServerException", 500)]
    [InlineData("serviceUnavailableException", "ServiceUnavailableException", 503)]
    [InlineData("validationException", "ValidationException", 400)]
    public void Stream_exception_members_map_to_shapes_and_statuses(string member, string shape, int status)
    {
        Assert.Equal(shape, BedrockException.ShapeFromMember(member));
        Assert.Equal(status, BedrockException.StatusOf(shape));
    }
}

public class ProxyConfigurationTests
{
    internal static (ProxyConfiguration? Result, List<string> Errors) Validate(Dictionary<string, string?> settings)
    {
        // Authentication has its own tests (AuthUnitTests); here it is out of the way.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection([KeyValuePair.Create("Proxy:Auth:AllowAnonymous", (string?)"true")]).Build();
        var options = new ProxyOptions();
        configuration.GetSection(ProxyOptions.Section).Bind(options);
        return ProxyConfiguration.Validate(options, configuration);
    }

    [Theory]
    [InlineData("v2", "disabled", "Proxy:Bedrock:Guardrail:Version: 'v2' is not a guardrail version")]
    [InlineData("0", "disabled", "Proxy:Bedrock:Guardrail:Version: '0' is not a guardrail version")]
    [InlineData("DRAFT", "verbose", "Proxy:Bedrock:Guardrail:Trace: 'verbose' must be enabled, disabled or enabled_full.")]
    public void Refuses_a_malformed_guardrail(string version, string trace, string message)
    {
        var (_, errors) = Validate(new()
        {
            ["AWS_REGION"] = "us-east-1",
            ["Proxy:Bedrock:Guardrail:Identifier"] = "gr-1",
            ["Proxy:Bedrock:Guardrail:Version"] = version,
            ["Proxy:Bedrock:Guardrail:Trace"] = trace,
        });

        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Region_and_endpoint_come_from_the_standard_aws_variables()
    {
        var (result, errors) = Validate(new() { ["AWS_REGION"] = "eu-west-1" });
        Assert.Empty(errors);
        Assert.Equal(("eu-west-1", "https://bedrock-runtime.eu-west-1.amazonaws.com/"), (result!.Region, result.BedrockEndpoint.ToString()));

        (result, _) = Validate(new() { ["AWS_DEFAULT_REGION"] = "cn-north-1" });
        Assert.Equal("https://bedrock-runtime.cn-north-1.amazonaws.com.cn/", result!.BedrockEndpoint.ToString());

        (result, _) = Validate(new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1", ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = "http://127.0.0.1:4010" });
        Assert.Equal("http://127.0.0.1:4010/", result!.BedrockEndpoint.ToString());

        (result, _) = Validate(new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Bedrock:Region"] = "us-west-2" });
        Assert.Equal("us-west-2", result!.Region);
    }

    public static TheoryData<Dictionary<string, string?>, string> Invalid => new()
    {
        { new(), "No AWS Region: set Proxy:Bedrock:Region or AWS_REGION." },
        { new() { ["AWS_REGION"] = "Virginia" }, "'Virginia' is not an AWS Region name" },
        { new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = "localhost:4010" }, "is not an absolute http(s) URL" },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:ModelAliases:0:Alias"] = "gpt-4o", ["Proxy:ModelAliases:0:Model"] = "gpt-4" }, "Proxy:ModelAliases:0:Model: 'gpt-4' is not a known Nova model id" },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:ModelAliases:0:Model"] = "amazon.nova-pro-v1:0" }, "Proxy:ModelAliases:0:Alias is empty." },
        {
            new() { ["AWS_REGION"] = "us-east-1", ["Proxy:ModelAliases:0:Alias"] = "a", ["Proxy:ModelAliases:0:Model"] = "amazon.nova-pro-v1:0", ["Proxy:ModelAliases:1:Alias"] = "a", ["Proxy:ModelAliases:1:Model"] = "amazon.nova-lite-v1:0" },
            "Proxy:ModelAliases:1:Alias 'a' is defined twice."
        },
        { new() { ["AWS_REGION"] = "eu-west-1", ["Proxy:ModelAliases:0:Alias"] = "p", ["Proxy:ModelAliases:0:Model"] = "amazon.nova-premier-v1:0" }, "can only be invoked through an inference profile, and none exists for Region eu-west-1" },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Bedrock:RequestTimeout"] = "00:00:00" }, "Proxy:Bedrock:RequestTimeout must be positive." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxRequestBodyBytes"] = "10" }, "Proxy:Limits:MaxRequestBodyBytes must be at least 1024." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxMessages"] = "0" }, "Proxy:Limits:MaxMessages must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxMessageChars"] = "-1" }, "Proxy:Limits:MaxMessageChars must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxImages"] = "0" }, "Proxy:Limits:MaxImages must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxImageBytes"] = "0" }, "Proxy:Limits:MaxImageBytes must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxDocuments"] = "0" }, "Proxy:Limits:MaxDocuments must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxDocumentBytes"] = "0" }, "Proxy:Limits:MaxDocumentBytes must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:Limits:MaxMediaBytes"] = "0" }, "Proxy:Limits:MaxMediaBytes must be at least 1." },
        { new() { ["AWS_REGION"] = "us-east-1", ["Proxy:ImageFetch:MaxBytes"] = "0" }, "Proxy:ImageFetch: MaxBytes must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_configurations_are_refused_naming_the_key(Dictionary<string, string?> settings, string message)
    {
        var (result, errors) = Validate(settings);
        Assert.Null(result);
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Loading_an_invalid_configuration_throws_with_every_problem_listed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxy:ModelAliases:0:Alias"] = "",
            ["Proxy:Limits:MaxRequestBodyBytes"] = "1",
            ["Proxy:Limits:MaxImages"] = "0",
        }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => ProxyConfiguration.Load(configuration));
        Assert.StartsWith("The proxy's configuration is invalid:", error.Message);
        Assert.Contains("No AWS Region", error.Message);
        Assert.Contains("MaxRequestBodyBytes", error.Message);
        Assert.Contains("Proxy:Limits:MaxImages", error.Message);
    }
}

public class JsonBodyTests
{
    private static OpenAiError Error(string json) =>
        Assert.Throws<OpenAiException>(() => JsonBody.Parse(Encoding.UTF8.GetBytes(json), OpenAiJsonContext.Default.ChatCompletionRequest)).Error;

    [Theory]
    [InlineData("""{"model":5,"messages":[]}""", "model", "Invalid type for 'model': expected a string, but got an integer instead.")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages", "Invalid type for 'messages': expected an array, but got a string instead.")]
    [InlineData("""{"model":"m","messages":[{"role":["user"]}]}""", "messages[0].role", "Invalid type for 'messages[0].role': expected a string, but got an array instead.")]
    [InlineData("""{"model":"m","temperature":"hot"}""", "temperature", "Invalid type for 'temperature': expected a number, but got a string instead.")]
    [InlineData("""{"model":"m","max_tokens":1.5}""", "max_tokens", "Invalid type for 'max_tokens': expected an integer, but got a number instead.")]
    [InlineData("""{"model":"m","stream":"yes"}""", "stream", "Invalid type for 'stream': expected a boolean, but got a string instead.")]
    [InlineData("""{"model":"m","stream_options":[]}""", "stream_options", "Invalid type for 'stream_options': expected an object, but got an array instead.")]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":7}}]}""", "tools[0].function.name", "Invalid type for 'tools[0].function.name': expected a string, but got an integer instead.")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{}}}]}]}""", "messages[0].tool_calls[0].function.arguments", "Invalid type for 'messages[0].tool_calls[0].function.arguments': expected a string, but got an object instead.")]
    public void Wrong_types_name_the_field_and_both_types(string json, string param, string message)
    {
        var error = Error(json);
        Assert.Equal((400, param, "invalid_type", message), (error.Status, error.Param, error.Code, error.Message));
    }

    [Theory]
    [InlineData("", "The request body is empty; expected a JSON object.")]
    [InlineData("null", "The request body is JSON null; expected a JSON object.")]
    [InlineData("[1,2]", "The request body must be a JSON object, but got an array instead.")]
    [InlineData("\"text\"", "The request body must be a JSON object, but got a string instead.")]
    [InlineData("{\"model\": ", "We could not parse the JSON body of your request (line 1, position 11)")]
    [InlineData("{\"model\":\"m\",}", "We could not parse the JSON body of your request (line 1, position 14)")]
    [InlineData("model=m&messages=x", "We could not parse the JSON body of your request (line 1, position 1)")]
    public void Malformed_bodies_are_a_400_with_a_clear_message(string json, string message)
    {
        var error = Error(json);
        Assert.Equal(400, error.Status);
        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("$.messages[0].role", "messages[0].role")]
    [InlineData("$['odd.key'][2]", "odd.key[2]")]
    [InlineData("$", "")]
    [InlineData(null, "")]
    public void Json_paths_become_openai_params(string? path, string param) =>
        Assert.Equal(param, JsonPath.Format(JsonPath.Parse(path)));
}
