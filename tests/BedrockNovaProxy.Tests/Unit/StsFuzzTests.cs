using BedrockNovaProxy.Bedrock.Sts;
using BedrockNovaProxy.Tests.Support;
using CsCheck;

namespace BedrockNovaProxy.Tests.Unit;

/// <summary>Generated STS answers (AssumeRole's success and STS's error XML, elements dropped and repeated, text
/// replaced by edge values, characters inserted, cut short; every status STS uses) through the SDK's own HTTP client
/// (<see cref="RecordedSts"/>): credentials or an <see cref="AssumeRoleException"/>, which the proxy answers as a
/// 502 or 503; never another exception.</summary>
public class StsFuzzTests
{
    private const string Error = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error>
          <RequestId>4f1e3a2b-0000-4000-8000-000000000000</RequestId>
        </ErrorResponse>
        """;

    private static readonly int[] Statuses = [200, 200, 200, 400, 403, 404, 429, 500, 503, 302, 204];

    private static readonly string[] Texts =
    [
        "", " ", "x", "&amp;", "&lt;&gt;", "&#0;", "&#xD800;", "&#x1F600;", "&undefined;", "<![CDATA[a]]>", "<!-- c -->", "<x/>", "<x>",
        "</y>", "2019-11-09T13:34:41Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "-1", "1e400",
        "2019-13-45T99:99:99Z", "\u0000", "\ud800", "\ufeff", new string('A', 20_000), "ASIA", "Throttling", "ExpiredToken",
    ];

    private static readonly Gen<(int Status, int Base, (int Kind, int A, int B)[] Edits)> Answers =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 3], Gen.Select(Gen.Int[0, 4], Gen.Int[0, 99_999], Gen.Int[0, 9999]).Array[0, 4]);

    [Fact]
    public async Task Generated_sts_answers_give_credentials_or_the_assume_role_error()
    {
        var outcomes = new Dictionary<string, int>();
        var cases = await GeneratedCases.CheckAsync(Answers, async answer =>
        {
            var (status, xml) = Build(answer);
            using var client = new RecordedSts().Answer(status, xml).Client();
            string outcome;
            try
            {
                await client.AssumeRoleAsync(new("arn:aws:iam::444455556666:role/bedrock-access", "bedrock-nova-proxy"), TestContext.Current.CancellationToken);
                outcome = "credentials";
            }
            catch (AssumeRoleException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                outcome = "refused";
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }, seed: 20261207, cases: 800, print: a => Build(a).ToString());

        Assert.True(outcomes.GetValueOrDefault("credentials") > cases / 20 && outcomes.GetValueOrDefault("refused") > cases / 4, string.Join(", ", outcomes));
    }

    private static (int Status, string Xml) Build((int Status, int Base, (int Kind, int A, int B)[] Edits) answer)
    {
        var status = Statuses[answer.Status % Statuses.Length];
        var xml = status == 200 && answer.Base != 0 ? StsResponseTests.Success : Error;
        foreach (var (kind, a, b) in answer.Edits)
        {
            var at = a % (xml.Length + 1);
            var open = xml.IndexOf('<', at);
            var close = open < 0 ? -1 : xml.IndexOf('>', open);
            var end = close < 0 ? -1 : xml.IndexOf('<', close);
            xml = kind switch
            {
                0 when end > close => xml[..(close + 1)] + Texts[b % Texts.Length] + xml[end..], // an element's text replaced
                1 when close > open => xml.Remove(open, close - open + 1), // a tag dropped
                2 when close > open => xml.Insert(open, xml[open..(close + 1)]), // a tag repeated
                3 => xml.Insert(at, Texts[b % Texts.Length]),
                _ => xml[..at],
            };
        }

        return (status, xml);
    }
}
