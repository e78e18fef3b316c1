using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Rendering;
using Scriban.Runtime;
using YamlDotNet.RepresentationModel;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>The template language as the renderer runs it: strict (every mistake is an error at its file, line and
/// column), closed (only the model and the given functions), and partials indented where they are included.</summary>
public class TemplateTests
{
    /// <summary>Renders templates/t.sbn-txt of a scratch repository (with the given files beside the real templates)
    /// against acme/prod's model: serverless, no VPC, no container.</summary>
    private static string Render(string template, params (string Path, string Text)[] partials)
    {
        using var scratch = Repo.Scratch([("templates/t.sbn-txt", template), .. partials.Select(p => ($"templates/{p.Path}", p.Text))]);
        var validated = Repo.Validated.Single(v => v.Path == "customers/acme/prod.yaml");
        var model = new RenderModel(validated.Config!, StackFacts.From(validated.Config!, validated.Path));
        return Renderer.ForRepository(scratch.Repository.Root).RenderTemplate("t.sbn-txt", model);
    }

    private static string Refused(string template, params (string Path, string Text)[] partials) =>
        Assert.Throws<RenderException>(() => Render(template, partials)).Message;

    [Fact]
    public void Renders_the_model_in_snake_case_through_the_given_functions()
    {
        Assert.Equal("acme-prod serverless true \"acme\" 2 green,prod\n",
            Render("{{ stack.name }} {{ stack.type }} {{ stack.serverless }} {{ customer.name | quote }} {{ stack.stages.size }} {{ stack.stages[0].name }},{{ stack.stages[1].name }}\n"));
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "a: 1\nb: {{ nope }}", "templates/t.sbn-txt:2:7: The variable or function `nope` was not found" },
        { "b: {{ stack.nope }}", "templates/t.sbn-txt:1:13: `nope` is not defined here (defined: api_name, artifact_bucket," },
        { "b: {{ stack.name | nope }}", "templates/t.sbn-txt:1:20: The variable or function `nope` was not found" },
        { "b: {{ nope stack.name }}", "templates/t.sbn-txt:1:7: The variable or function `nope` was not found" },
        { "b: {{ deployment.container.port }}", "templates/t.sbn-txt:1:28: Object `deployment.container` is null. Cannot access member: deployment.container.port" },
        { "b: {{ stack.stages[2].name }}", "templates/t.sbn-txt:1:20: The index 2 is out of bounds" },
        { "b: {{ stack.cross_account_role_name | quote }}", "templates/t.sbn-txt:1:39: quote was given null" },
        { "{{ if stack.serverless }}\nb: 1\n", "templates/t.sbn-txt:1:26: Error while parsing if statement: The <end> statement was not found" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Every_mistake_is_an_error_at_its_file_line_and_column(string template, string message)
    {
        Assert.StartsWith(message, Refused(template), StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistake_in_a_partial_names_the_partial()
    {
        Assert.StartsWith("templates/parts/p.sbn-txt:2:9: The variable or function `nope` was not found",
            Refused("a:\n  {{ include 'parts/p.sbn-txt' }}\n", ("parts/p.sbn-txt", "b: 1\nc: 2 {{ nope }}\n")), StringComparison.Ordinal);
        var parse = Refused("a:\n  {{ include 'parts/p.sbn-txt' }}\n", ("parts/p.sbn-txt", "b: {{ for x in stack.stages }}\n"));
        Assert.StartsWith("templates/parts/p.sbn-txt:1:", parse, StringComparison.Ordinal);
        Assert.EndsWith("(included at templates/t.sbn-txt:2:6)", parse, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ include 'parts/missing.sbn-txt' }}", "templates/t.sbn-txt:1:4: include 'parts/missing.sbn-txt': there is no templates/parts/missing.sbn-txt")]
    [InlineData("{{ include '../customers/schema.json' }}", "templates/t.sbn-txt:1:4: include '../customers/schema.json': there is no templates/../customers/schema.json")]
    public void Partials_come_only_from_the_templates_folder(string template, string message)
    {
        Assert.StartsWith(message, Refused(template), StringComparison.Ordinal);
    }

    [Theory]
    // Scriban's builtins are not given: date.now would make renders differ from run to run.
    [InlineData("{{ date.now }}", "The variable or function `date` was not found")]
    [InlineData("{{ \"x\" | string.upcase }}", "The variable or function `string` was not found")]
    [InlineData("{{ object.eval \"1\" }}", "The variable or function `object` was not found")]
    // The model is data: no .NET member of what it was copied from (List.Count, string.Length, object.GetType).
    [InlineData("{{ stack.stages.count }}", "`count` is not defined here (defined: size)")]
    [InlineData("{{ customer.name.length }}", "`length` is not defined here (defined: size)")]
    [InlineData("{{ stack.get_type }}", "`get_type` is not defined here")]
    [InlineData("{{ stack.stages[0].equality_contract }}", "`equality_contract` is not defined here (defined: is_prod, name, title)")]
    // Only the sections the model lists: not the customer file's keys, nor its C# helpers.
    [InlineData("{{ auth.keys }}", "The variable or function `auth` was not found")]
    [InlineData("{{ has_eks }}", "The variable or function `has_eks` was not found")]
    // Read-only: a template cannot change what it or the next template reads.
    [InlineData("{{ stack.name = \"x\" }}", "Cannot set a value for the readonly member: stack.name")]
    [InlineData("{{ stack = 1 }}", "Cannot set the readonly variable `stack`")]
    [InlineData("{{ stack.stages[0] = 1 }}", "Collection is read-only")]
    public void Templates_reach_only_the_model_and_the_given_functions(string template, string message)
    {
        Assert.Contains(message, Refused(template), StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_is_copied_as_plain_data_and_anything_else_is_refused()
    {
        var stage = Assert.IsType<ScriptObject>(TemplateSurface.Data(new Stage("green", "Green", IsProd: false)));
        Assert.Equal(["is_prod", "name", "title"], stage.Keys.Order(StringComparer.Ordinal));
        Assert.True(stage.IsReadOnly);
        Assert.Equal("hybrid", TemplateSurface.Data(DeploymentType.Hybrid));
        Assert.Contains("System.Uri", Assert.Throws<RenderException>(() => TemplateSurface.Data(new Uri("https://example.com"))).Message, StringComparison.Ordinal);
        Assert.Throws<RenderException>(() => TemplateSurface.Data(new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void Partials_nest_with_their_indentation_where_they_are_included()
    {
        var rendered = Render(
            "a:\n  {{ include 'outer.sbn-txt' }}\nz: 0\n",
            ("outer.sbn-txt", "b: 1\nc:\n{{ for stage in stack.stages }}\n  {{ include 'inner.sbn-txt' }}\n{{ end }}\nd: 2\n"),
            ("inner.sbn-txt", "- name: {{ stage.name }}\n  prod: {{ stage.is_prod }}\n"));
        Assert.Equal("a:\n  b: 1\n  c:\n    - name: green\n      prod: false\n    - name: prod\n      prod: true\n  d: 2\nz: 0\n", Renderer.Tidy(rendered));
    }

    [Fact]
    public void A_captured_block_is_indented_where_it_is_written()
    {
        var rendered = Render("{{ capture pair ~}}\nx: 1\ny: 2\n{{- end }}\na:\n  {{ pair }}\nb:\n    {{ pair }}\n");
        Assert.Equal("a:\n  x: 1\n  y: 2\nb:\n    x: 1\n    y: 2\n", Renderer.Tidy(rendered));
    }

    [Fact]
    public void A_resource_added_as_the_guide_says_renders_with_its_policy_and_passes_the_checks()
    {
        // docs/gitops.md, "Adding a resource": a part at column 0, one include under Resources, its policy in proxy-policies.
        using var scratch = Repo.Scratch(("templates/parts/sessions.yaml.sbn-txt", """
            SessionsTable:
              Type: AWS::DynamoDB::Table
              Properties:
                TableName: {{ stack.name }}-sessions
                BillingMode: PAY_PER_REQUEST
                AttributeDefinitions:
                  - AttributeName: id
                    AttributeType: S
                KeySchema:
                  - AttributeName: id
                    KeyType: HASH

            """));
        Edit(scratch.Path("templates", "stack.yaml.sbn-txt"), "Outputs:\n", "  {{ include 'parts/sessions.yaml.sbn-txt' }}\nOutputs:\n");
        Edit(scratch.Path("templates", "parts", "proxy-policies.yaml.sbn-txt"), "{{ if security.encryption.enabled }}", """
            - PolicyName: sessions
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action:
                      - dynamodb:GetItem
                      - dynamodb:PutItem
                    Resource: !GetAtt SessionsTable.Arn
            {{ if security.encryption.enabled }}
            """);

        var stack = CfnTemplate.Parse(RenderTests.RenderExample("customers/acme/prod.yaml", Renderer.ForRepository(scratch.Repository.Root)).Single(f => f.Path == "stack.yaml").Text, "stack.yaml");
        var table = stack.Resources.Single(r => r.LogicalId == "SessionsTable");
        Assert.Equal("AWS::DynamoDB::Table", table.Type);
        Assert.Equal("acme-prod-sessions", CfnTemplate.Scalar(CfnTemplate.Child(table.Node, "Properties")!, "TableName"));
        var policies = (YamlSequenceNode)CfnTemplate.Child(CfnTemplate.Child(stack.Resources.Single(r => r.LogicalId == "FunctionRole").Node, "Properties")!, "Policies")!;
        Assert.Contains("sessions", policies.Select(p => CfnTemplate.Scalar(p, "PolicyName")));
    }

    private static void Edit(string path, string find, string replace)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
    }
}
