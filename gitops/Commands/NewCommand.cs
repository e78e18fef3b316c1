using System.Text.RegularExpressions;
using BedrockNovaProxy.GitOps.Aws;
using BedrockNovaProxy.GitOps.Scaffold;
using Spectre.Console;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops new --customer &lt;name&gt; --env &lt;env&gt; --type &lt;type&gt;</c>: starts a customer file instead of
/// copying one. On a terminal it asks for what the flags leave out; elsewhere (CI, a pipe) a missing value is a usage
/// error naming its flag. The file is written only when it validates, with a first key made by <c>gitops keys new</c>
/// (printed once on stdout, stored as its SHA-256). Exit codes: 0 written, 1 refused (the file exists, the result
/// would not validate), 2 unusable arguments.</summary>
public static partial class NewCommand
{
    /// <summary>The flags as given; null where absent.</summary>
    public sealed record Flags(string? Customer, string? Environment, string? Type, string? Region, string? AccountId,
        string? VpcId, string? SubnetIds, string? ClusterName, string? OidcProvider);

    public const string DefaultRegion = "us-east-1";

    [GeneratedRegex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$")]
    private static partial Regex CustomerName();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();

    /// <summary>Prompts only when a person is there to answer: stdin and stdout are a terminal and CI is not set.</summary>
    public static IAnsiConsole? Prompter(Func<string, string?> environment) =>
        Report.IsTerminal(Console.Out) && !Console.IsInputRedirected && string.IsNullOrEmpty(environment("CI")) ? AnsiConsole.Console : null;

    public static int Run(Repository repo, Flags flags, IAnsiConsole? prompter, TextWriter output, TextWriter error, DateOnly today)
    {
        if (Complete(flags, prompter, error) is not { } answers)
        {
            return Repository.Usage;
        }

        var path = Path.Combine(repo.Root, answers.RelativePath);
        if (File.Exists(path))
        {
            error.WriteLine($"gitops: {answers.RelativePath} exists already; edit it, or add a key with gitops keys new --customer {answers.RelativePath} --name <name>");
            return Repository.Failed;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, CustomerScaffold.Yaml(answers));
        // The key goes in through keys new's own edit, which writes the file only when the result validates.
        var code = KeysCommand.New(repo, path, $"{answers.Customer}-{answers.Environment}", null, null, null, output, error, today);
        if (code != Repository.Ok)
        {
            File.Delete(path);
            error.WriteLine($"gitops: {answers.RelativePath} was not written");
            return code;
        }

        error.WriteLine($"""
            gitops: wrote {answers.RelativePath}. Next:
              dotnet run --project gitops -- validate {answers.RelativePath}
              dotnet run --project gitops -- render {answers.RelativePath}
              dotnet run --project apphost -- --customer {answers.RelativePath}    # run it locally, gate it from the dashboard
              git switch -c {answers.Customer}-{answers.Environment} && git add {answers.RelativePath} out/{answers.Customer}/{answers.Environment} && git commit -m "{answers.Customer}: {answers.Environment}"    # then open the pull request
            """);
        return Repository.Ok;
    }

    /// <summary>The flags checked, the missing ones asked for (when <paramref name="prompter"/> is set); null with every
    /// problem printed otherwise.</summary>
    public static NewCustomer? Complete(Flags flags, IAnsiConsole? prompter, TextWriter error)
    {
        var problems = new List<string>();
        string? Take(string? given, string flag, string question, Func<string, string?> check, IReadOnlyList<string>? choices = null, string? fallback = null)
        {
            if (given is null && prompter is not null)
            {
                given = choices is not null
                    ? prompter.Prompt(new SelectionPrompt<string>().Title(question).AddChoices(choices))
                    : prompter.Prompt(Text(question, fallback).Validate(v => check(v) is { } why ? ValidationResult.Error(why) : ValidationResult.Success()));
            }

            given ??= fallback;
            if (given is null)
            {
                problems.Add($"{flag} is required (no terminal to ask on)");
                return null;
            }

            if (check(given) is { } reason)
            {
                problems.Add($"{flag} {given}: {reason}");
                return null;
            }

            return given;
        }

        static Func<string, string?> OneOf(IReadOnlyList<string> allowed) => v => allowed.Contains(v) ? null
            : Validation.SchemaCheck.Nearest(v, allowed) is { } guess ? $"did you mean {guess}? (one of {string.Join(", ", allowed)})" : $"one of {string.Join(", ", allowed)}";

        var customer = Take(flags.Customer, "--customer", "Customer name (lower case, digits, hyphens)?",
            v => CustomerName().IsMatch(v) ? null : "2-20 lower-case letters, digits and hyphens, starting with a letter");
        var environment = Take(flags.Environment, "--env", "Environment?", OneOf(NewCustomer.Environments), NewCustomer.Environments);
        var type = Take(flags.Type, "--type", "Deployment type?", OneOf(NewCustomer.Types), NewCustomer.Types);
        var region = Take(flags.Region, "--region", "AWS Region?", v => NovaRegions.Offers(v) ? null
            : $"Amazon Nova is not offered there; one of {string.Join(", ", NovaRegions.All)}", fallback: DefaultRegion);
        var account = Take(flags.AccountId, "--account-id", "AWS account id (12 digits)?", v => AccountId().IsMatch(v) ? null : "12 digits");
        string? vpc = null, cluster = null, oidc = null;
        List<string>? subnets = null;
        if (type is "container" or "hybrid")
        {
            vpc = Take(flags.VpcId, "--vpc-id", "VPC id (vpc-...)?", v => v.StartsWith("vpc-", StringComparison.Ordinal) ? null : "a VPC id, vpc-...");
            subnets = Take(flags.SubnetIds, "--subnet-ids", "Subnet ids, two or more in different Availability Zones (comma-separated)?",
                v => Split(v) is { Count: >= 2 } list && list.All(s => s.StartsWith("subnet-", StringComparison.Ordinal)) ? null : "two or more subnet ids, comma-separated") is { } s ? Split(s) : null;
        }
        else if (type == "eks")
        {
            cluster = Take(flags.ClusterName, "--cluster", "EKS cluster name?", v => v.Length > 0 ? null : "a cluster name",
                fallback: customer is null || environment is null ? null : $"{customer}-{environment}");
            oidc = Take(flags.OidcProvider, "--oidc-provider", "The cluster's OIDC provider (oidc.eks.<region>.amazonaws.com/id/...)?",
                v => v.StartsWith("oidc.eks.", StringComparison.Ordinal) ? null : "oidc.eks.<region>.amazonaws.com/id/<id>, as `aws eks describe-cluster` shows it");
        }

        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                error.WriteLine($"gitops: {p}");
            }

            return null;
        }

        return new NewCustomer(customer!, environment!, type!, region!, account!, vpc, subnets, cluster, oidc);
    }

    private static TextPrompt<string> Text(string question, string? fallback) =>
        fallback is null ? new TextPrompt<string>(question) : new TextPrompt<string>(question).DefaultValue(fallback);

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
