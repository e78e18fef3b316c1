using System.Text.Json;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Planning;

namespace BedrockNovaProxy.GitOps.Tests;

public class PlanAndCommandTests
{
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Renders(params (string Folder, string File, string Text)[] files) =>
        files.GroupBy(f => f.Folder).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, string>)g.ToDictionary(f => f.File, f => f.Text));

    private const string Before = """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              MemorySize: 1024
              Timeout: 300
          Old:
            Type: AWS::SNS::Topic
        """;

    private const string After = """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              MemorySize: 2048
              Timeout: 300
          New:
            Type: AWS::SQS::Queue
        """;

    [Fact]
    public void A_plan_lists_resources_added_removed_and_changed_with_the_properties_that_differ()
    {
        var plans = Planner.Compare(
            Renders(("acme/prod", "stack.yaml", Before), ("acme/prod", "dashboard.json", "{}"), ("gone/prod", "stack.yaml", Before)),
            Renders(("acme/prod", "stack.yaml", After), ("acme/prod", "dashboard.json", "{\"widgets\":[]}"), ("newco/staging", "stack.yaml", After)));

        var acme = plans.Single(p => p.Folder == "acme/prod");
        Assert.Equal([(ChangeKind.Change, "Fn", "Properties.MemorySize"), (ChangeKind.Add, "New", ""), (ChangeKind.Remove, "Old", "")],
            acme.Items.Select(i => (i.Kind, i.Name, string.Join(",", i.Paths))));
        Assert.Equal(["dashboard.json", "stack.yaml"], acme.ChangedFiles);
        Assert.True(plans.Single(p => p.Folder == "newco/staging").IsNew);
        Assert.True(plans.Single(p => p.Folder == "gone/prod").IsRemoved);

        var markdown = Planner.Markdown(plans, "origin/main", "pr");
        Assert.StartsWith(Planner.CommentMarker, markdown, StringComparison.Ordinal);
        Assert.Contains("| `acme/prod` | 1 | 1 | 1 | dashboard.json, stack.yaml |", markdown, StringComparison.Ordinal);
        Assert.Contains("- ~ change `Fn` (AWS::Lambda::Function): `Properties.MemorySize`", markdown, StringComparison.Ordinal);
        Assert.Contains("| `newco/staging` (new) |", markdown, StringComparison.Ordinal);
        Assert.Contains("aws cloudformation delete-stack", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_without_changes_says_so()
    {
        var same = Renders(("acme/prod", "stack.yaml", Before));
        Assert.Contains("No rendered change in 1 customer environment(s).", Planner.Markdown(Planner.Compare(same, same), "a", "b"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_reports_for_machines_and_for_pull_requests_with_documented_exit_codes()
    {
        var valid = File.ReadAllText(Repo.Path("customers", "acme", "staging.yaml"));
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", valid.Replace("burst_limit: 200", "burst_limit: 50", StringComparison.Ordinal)),
            ("customers/acme/prod.yaml", File.ReadAllText(Repo.Path("customers", "acme", "prod.yaml"))));

        var json = new StringWriter();
        Assert.Equal(Repository.Failed, ValidateCommand.Run(scratch.Repository, [], "json", false, json, TextWriter.Null, Repo.Today));
        using var document = JsonDocument.Parse(json.ToString());
        Assert.False(document.RootElement.GetProperty("valid").GetBoolean());
        var staging = document.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "customers/acme/staging.yaml");
        var finding = staging.GetProperty("diagnostics").EnumerateArray().Single();
        Assert.Equal(("throttling", "error"), (finding.GetProperty("code").GetString(), finding.GetProperty("severity").GetString()));

        var github = new StringWriter();
        ValidateCommand.Run(scratch.Repository, [scratch.Path("customers", "acme", "staging.yaml")], "github", false, github, TextWriter.Null, Repo.Today);
        Assert.StartsWith("::error file=customers/acme/staging.yaml,line=", github.ToString(), StringComparison.Ordinal);
        Assert.Contains(",title=throttling::burst_limit 50 is below rate_limit 100", github.ToString(), StringComparison.Ordinal);

        var text = new StringWriter();
        Assert.Equal(Repository.Ok, ValidateCommand.Run(scratch.Repository, [scratch.Path("customers", "acme", "prod.yaml")], "text", false, text, TextWriter.Null, Repo.Today));
        Assert.Contains("1 file(s) valid", text.ToString(), StringComparison.Ordinal);

        var error = new StringWriter();
        Assert.Equal(Repository.Usage, ValidateCommand.Run(scratch.Repository, [scratch.Path("nowhere")], "text", false, TextWriter.Null, error, Repo.Today));
        Assert.Contains("no such file or folder", error.ToString(), StringComparison.Ordinal);
    }
}
