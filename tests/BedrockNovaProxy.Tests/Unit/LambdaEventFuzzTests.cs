using System.Text;
using BedrockNovaProxy.Lambda;
using BedrockNovaProxy.Tests.EndToEnd;
using BedrockNovaProxy.Tests.Support;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>Generated invocation events (each event source's shape, mutated as <see cref="RequestMutations"/> mutates
/// requests): the parser gives a request or refuses with LambdaEventException or JsonException, which the worker
/// answers as a Runtime.InvalidEvent invocation error. Any other exception escaped the worker's loop and ended it.</summary>
public class LambdaEventFuzzTests
{
    private static readonly string[] Events =
    [
        """{"resource":"/{proxy+}","path":"/prod/v1/chat/completions","httpMethod":"POST","headers":{"content-type":"application/json","authorization":"Bearer k"},"multiValueHeaders":{"content-type":["application/json"],"authorization":["Bearer k"]},"queryStringParameters":{"a":"1"},"multiValueQueryStringParameters":{"a":["1","2"]},"pathParameters":{"proxy":"v1/chat/completions"},"requestContext":{"path":"/prod/v1/chat/completions","requestId":"r1","identity":{"sourceIp":"10.0.0.1"}},"body":"{\"model\":\"gpt-4o\"}","isBase64Encoded":false}""",
        """{"version":"2.0","routeKey":"$default","rawPath":"/prod/v1/responses","rawQueryString":"a=1","cookies":["c=1","d=2"],"headers":{"content-type":"application/json"},"requestContext":{"stage":"prod","requestId":"r2","http":{"method":"POST","path":"/prod/v1/responses","sourceIp":"10.0.0.2"}},"body":"eyJtb2RlbCI6ImdwdC00byJ9","isBase64Encoded":true}""",
        """{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},"httpMethod":"GET","path":"/v1/models","queryStringParameters":{"q":"%20x"},"headers":{"x-forwarded-for":"10.0.0.3, 10.0.0.4","x-amzn-trace-id":"Root=1"},"body":"","isBase64Encoded":false}""",
    ];

    /// <summary>Shrunk failures of the generated test below: each threw InvalidOperationException past the worker's
    /// loop before the fix (GetString on a lone surrogate escape, or on a value of another kind read unchecked).</summary>
    [Theory]
    [InlineData("""{"httpMethod":"POST","path":"/\ud800"}""", true)]
    [InlineData("""{"version":"2.0","requestContext":{"http":{"method":"POST"}},"headers":{"a":"\udc00"}}""", true)]
    [InlineData("""{"httpMethod":"GET","path":"/","headers":{"\udc00":"x"}}""", true)]
    [InlineData("""{"httpMethod":"GET","path":"/","queryStringParameters":{"a":1}}""", false)]
    [InlineData("""{"httpMethod":"GET","path":"/","multiValueQueryStringParameters":{"a":[true]}}""", false)]
    [InlineData("""{"httpMethod":"GET","resource":"/{p}","pathParameters":{"p":[]}}""", false)]
    [InlineData("""{"version":"2.0","requestContext":{"http":{"method":"GET"}},"cookies":[1]}""", false)]
    public void Malformed_events_are_refused_or_read_with_the_odd_values_absent(string json, bool refused)
    {
        var parse = () => LambdaEvents.Parse(Encoding.UTF8.GetBytes(json));
        if (refused)
        {
            Assert.Contains("not valid Unicode", Assert.Throws<LambdaEventException>(parse).Message);
        }
        else
        {
            Assert.NotNull(parse());
        }
    }

    [Fact]
    public async Task Generated_events_parse_or_are_refused_never_another_exception()
    {
        var outcomes = new Dictionary<string, int>();
        var cases = await GeneratedCases.Check(RequestMutations.Gen, request =>
        {
            var (body, _, _) = RequestMutations.Build(request, Events);
            string outcome;
            try
            {
                LambdaEvents.Parse(body);
                outcome = "parsed";
            }
            catch (Exception e) when (e is LambdaEventException or JsonException)
            {
                outcome = "refused";
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }, seed: 20261205, cases: 3000, print: r => r + ": " + Encoding.UTF8.GetString(RequestMutations.Build(r, Events).Body));

        Assert.True(outcomes.GetValueOrDefault("parsed") > cases / 10 && outcomes.GetValueOrDefault("refused") > cases / 10, string.Join(", ", outcomes));
    }
}
