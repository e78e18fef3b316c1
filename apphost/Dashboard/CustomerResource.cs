using System.Globalization;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace BedrockNovaProxy.AppHost.Dashboard;

/// <summary>The customer file as a resource of its own: its aliases and models, its keys' names and limits (never a
/// key: only names, models and limits), shown as properties; and the commands that re-validate and re-render it as
/// `gitops validate` and `gitops render` do.</summary>
public sealed class CustomerResource(string name, string path) : Resource(name)
{
    public string FilePath { get; } = path;
}

public static class CustomerCommands
{
    public const string Validate = "validate", Render = "render";

    public static IResourceBuilder<CustomerResource> AddCustomer(this IDistributedApplicationBuilder builder, string repositoryRoot, string path, CustomerConfig config)
    {
        var repo = new Repository(repositoryRoot);
        var relative = repo.Relative(path);
        return builder.AddResource(new CustomerResource("customer", path))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Customer file",
                State = new ResourceStateSnapshot("Valid", KnownResourceStateStyles.Success),
                Properties = [new("file", relative), .. Properties(config)],
            })
            .WithCommand(Validate, "Validate the customer file", context => RunAsync(context, "validate", (o, e) =>
                ValidateCommand.Run(repo, [path], "text", false, o, e, Today())), new CommandOptions { Description = $"gitops validate {relative}", IconName = "CheckmarkCircle" })
            .WithCommand(Render, "Render the customer file", context => RunAsync(context, "render", (o, e) =>
                RenderCommand.Run(repo, [path], null, false, o, e, Today())), new CommandOptions { Description = $"gitops render {relative}: out/ as the pull request will show it", IconName = "DocumentArrowRight" });
    }

    /// <summary>What the dashboard lists for the file: alias.&lt;alias&gt; = model, key.&lt;name&gt; = models and limits.</summary>
    public static IEnumerable<ResourcePropertySnapshot> Properties(CustomerConfig config)
    {
        static string Limit(int? n, string unit) => n is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) + unit : "";
        yield return new("customer", $"{config.Customer.Name}/{config.Customer.Environment} ({config.TypeName}, {config.Customer.Region})");
        foreach (var (alias, model) in config.Models.Mappings)
        {
            yield return new($"alias.{alias}", model);
        }

        foreach (var key in config.Auth.Keys)
        {
            var limits = string.Join(", ", new[] { Limit(key.RequestsPerMinute, " req/min"), Limit(key.TokensPerMinute, " tokens/min") }.Where(l => l.Length > 0));
            yield return new($"key.{key.Name}", $"{(key.Models.Count == 0 ? "all models" : string.Join(", ", key.Models))}; {(limits.Length > 0 ? limits : "no per-key limit")}");
        }
    }

    private static DateOnly Today() => DateOnly.FromDateTime(DateTime.UtcNow);

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, string what, Func<TextWriter, TextWriter, int> command)
    {
        var output = new StringWriter();
        var code = command(output, output);
        var text = output.ToString().Trim();
        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        var resource = context.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<CustomerResource>().Single();
        if (what == "validate")
        {
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = code == Repository.Ok ? new ResourceStateSnapshot("Valid", KnownResourceStateStyles.Success) : new ResourceStateSnapshot("Invalid", KnownResourceStateStyles.Error),
            });
        }

        return code == Repository.Ok
            ? CommandResults.Success($"gitops {what}: {text.Split('\n')[^1]}", text, CommandResultFormat.Text)
            : CommandResults.Failure($"gitops {what} failed", text, CommandResultFormat.Text);
    }
}
