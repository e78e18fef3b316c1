using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>Findings quote the file's own text as written (the seed's "客户名称", not \u escapes), and a near miss of an
/// allowed value gets the value a person most likely meant.</summary>
public class ReadableMessageTests
{
    public static TheoryData<string, string?> Guesses => new()
    {
        // value, the environment it most likely means (null: none close enough to say)
        { "production", "prod" },
        { "Production", "prod" },
        { "prd", "prod" },
        { "development", "dev" },
        { "develop", "dev" },
        { "stage", "staging" },
        { "stag", "staging" },
        { "stagin", "staging" },
        { "qa", null },
        { "sandbox", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Guesses))]
    public void An_environment_near_an_allowed_one_is_guessed(string value, string? expected) =>
        Assert.Equal(expected, SchemaCheck.Nearest(value, ["dev", "staging", "prod"]));

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("github")]
    public void The_seed_sample_is_quoted_as_written_with_a_did_you_mean(string format)
    {
        var text = File.ReadAllText(Repo.Path("customers", "acme", "staging.yaml"))
            .Replace("name: \"acme\"", "name: \"客户名称\"", StringComparison.Ordinal)
            .Replace("environment: \"staging\"", "environment: \"production\"", StringComparison.Ordinal);
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", text));
        var output = new StringWriter();

        Assert.Equal(Repository.Failed, ValidateCommand.Run(scratch.Repository, [scratch.Path("customers")], format, false, output, TextWriter.Null, Repo.Today));

        var report = output.ToString();
        Assert.Contains("customer.name is \"客户名称\"", report.Replace("\\\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", report, StringComparison.Ordinal);
        Assert.Contains("did you mean \"prod\"?", report.Replace("\\\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
