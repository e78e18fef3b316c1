using BedrockNovaProxy.Auth;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Rendering;
using BedrockNovaProxy.GitOps.Validation;
using Spectre.Console.Testing;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>gitops new: for every deployment type the file it writes validates without a finding and renders; the key
/// it prints is the one whose hash the file holds; bad or missing flags are usage errors that name the flag.</summary>
public class NewCustomerTests
{
    private const string Account = "123456789012";

    public static TheoryData<string, string, string, string[]> Types => new()
    {
        // type, environment, Region, the type's own flags
        { "serverless", "staging", "us-east-1", [] },
        { "serverless", "prod", "eu-west-1", [] },
        { "container", "staging", "eu-west-1", ["vpc-0f1e2d3c4b5a69788", "subnet-0f1e2d3c4b5a60001,subnet-0f1e2d3c4b5a60002"] },
        { "container", "prod", "us-west-2", ["vpc-0f1e2d3c4b5a69788", "subnet-0f1e2d3c4b5a60001,subnet-0f1e2d3c4b5a60002"] },
        { "hybrid", "dev", "us-west-2", ["vpc-03456789abcdef012", "subnet-03456789abcdef001, subnet-03456789abcdef002"] },
        { "eks", "staging", "ap-northeast-1", ["oidc.eks.ap-northeast-1.amazonaws.com/id/5E1A0B2C3D4E5F60718293A4B5C6D7E8"] },
    };

    private static NewCommand.Flags Flags(string type, string env, string region, string[] own) => new(
        "contoso", env, type, region, Account,
        type is "container" or "hybrid" ? own[0] : null, type is "container" or "hybrid" ? own[1] : null,
        null, type == "eks" ? own[0] : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Writes_a_file_that_validates_and_renders(string type, string env, string region, string[] own)
    {
        using var scratch = Repo.Scratch();
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(Repository.Ok, NewCommand.Run(scratch.Repository, Flags(type, env, region, own), null, output, error, Repo.Today));

        var relative = $"customers/contoso/{env}.yaml";
        var validated = Validator.ForRepository(scratch.Repository.Root, Repo.Today).Validate(relative, File.ReadAllText(scratch.Path(relative)));
        Assert.Empty(validated.Diagnostics);
        var key = Assert.Single(validated.Config!.Auth.Keys);
        Assert.Equal($"contoso-{env}", key.Name);
        Assert.Equal(key.Sha256, ApiKeyHash.Of(output.ToString().Trim()));
        Assert.DoesNotContain(output.ToString().Trim(), File.ReadAllText(scratch.Path(relative)), StringComparison.Ordinal);
        Assert.Contains($"validate {relative}", error.ToString(), StringComparison.Ordinal);
        Assert.Contains($"apphost -- --customer {relative}", error.ToString(), StringComparison.Ordinal);

        var files = Renderer.ForRepository(scratch.Repository.Root).Render(validated.Config!, validated.Path);
        Assert.NotEmpty(files);
        Assert.Equal(Repository.Ok, RenderCommand.Run(scratch.Repository, [scratch.Path(relative)], null, check: false, TextWriter.Null, TextWriter.Null, Repo.Today));
    }

    public static TheoryData<NewCommand.Flags, string> Refused => new()
    {
        // flags, what the error says
        { new("contoso", "production", "serverless", null, Account, null, null, null, null), "--env production: did you mean prod?" },
        { new("contoso", "staging", "lambda", null, Account, null, null, null, null), "--type lambda: one of serverless, container, hybrid, eks" },
        { new("Contoso", "staging", "serverless", null, Account, null, null, null, null), "--customer Contoso: 2-20 lower-case letters" },
        { new("contoso", "staging", "serverless", "sa-east-1", Account, null, null, null, null), "--region sa-east-1: Amazon Nova is not offered there" },
        { new("contoso", "staging", "serverless", null, "12345", null, null, null, null), "--account-id 12345: 12 digits" },
        { new("contoso", "staging", "serverless", null, null, null, null, null, null), "--account-id is required (no terminal to ask on)" },
        { new(null, null, null, null, Account, null, null, null, null), "--customer is required" },
        { new("contoso", "staging", "container", null, Account, "vpc-0f1e2d3c4b5a69788", null, null, null), "--subnet-ids is required" },
        { new("contoso", "staging", "hybrid", null, Account, "vpc-0f1e2d3c4b5a69788", "subnet-0f1e2d3c4b5a60001", null, null), "two or more subnet ids" },
        { new("contoso", "staging", "eks", null, Account, null, null, null, null), "--oidc-provider is required" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Bad_or_missing_flags_are_usage_errors_that_write_nothing(NewCommand.Flags flags, string message)
    {
        using var scratch = Repo.Scratch();
        var error = new StringWriter();

        Assert.Equal(Repository.Usage, NewCommand.Run(scratch.Repository, flags, null, TextWriter.Null, error, Repo.Today));

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Path("customers", "contoso")));
    }

    [Fact]
    public void An_existing_file_is_left_alone()
    {
        var existing = File.ReadAllText(Repo.Path("customers", "acme", "staging.yaml"));
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", existing));
        var error = new StringWriter();

        Assert.Equal(Repository.Failed, NewCommand.Run(scratch.Repository, new("acme", "staging", "serverless", null, Account, null, null, null, null), null, TextWriter.Null, error, Repo.Today));

        Assert.Contains("exists already", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(existing, File.ReadAllText(scratch.Path("customers", "acme", "staging.yaml")));
    }

    [Fact]
    public void On_a_terminal_it_asks_for_what_the_flags_leave_out()
    {
        var console = new TestConsole().Interactive();
        // The environment and the type are menus (dev, staging, prod; serverless first); the rest typed, with a retry.
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("");
        console.Input.PushTextWithEnter("1234");
        console.Input.PushTextWithEnter(Account);

        var answers = NewCommand.Complete(new("contoso", null, null, null, null, null, null, null, null), console, TextWriter.Null);

        Assert.NotNull(answers);
        Assert.Equal(("staging", "serverless", NewCommand.DefaultRegion, Account), (answers.Environment, answers.Type, answers.Region, answers.AccountId));
        Assert.Contains("12 digits", console.Output, StringComparison.Ordinal);
    }
}
