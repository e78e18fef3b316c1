using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.Local;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>The proxy and the local Bedrock on 127.0.0.1, once for the smoke tests (the proxy under Kestrel, as in
/// a container); the Lambda-behind-API-Gateway mode starts when a test asks for it.</summary>
public sealed class Stacks : IAsyncLifetime
{
    private Task<InProcessStack>? _lambda;

    public InProcessStack Kestrel { get; private set; } = null!;

    public Task<InProcessStack> LambdaAsync() => _lambda ??= InProcessStack.StartAsync(hosting: Hosting.LambdaStreaming);

    public async ValueTask InitializeAsync() => Kestrel = await InProcessStack.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Kestrel.DisposeAsync();
        if (_lambda is not null)
        {
            await (await _lambda).DisposeAsync();
        }
    }
}

public class SmokeTests(Stacks stacks) : IClassFixture<Stacks>
{
    /// <summary>A customer file whose aliases the stack serves (acme staging without acme-premium, which it does not).</summary>
    internal static string Served => Staging.Replace("    \"acme-premium\": \"us.amazon.nova-2-lite-v1:0\"\n", "", StringComparison.Ordinal);

    internal static string Staging => File.ReadAllText(Repo.Path("customers", "acme", "staging.yaml")).ReplaceLineEndings("\n");

    internal sealed record Run(int Code, string Output, string Error, string Summary);

    internal static async Task<Run> SmokeAsync(Repository repo, SmokeCommand.Arguments args, string? key = InProcessStack.ApiKey, string variable = SmokeCommand.DefaultKeyVariable)
    {
        var summary = Path.GetTempFileName();
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await SmokeCommand.RunAsync(repo, args with { Summary = summary }, name => name == variable ? key : null, output, error,
                TimeProvider.System, Repo.Today, TestContext.Current.CancellationToken);
            return new Run(code, output.ToString(), error.ToString(), File.ReadAllText(summary));
        }
        finally
        {
            File.Delete(summary);
        }
    }

    /// <summary>The line the plain report prints for a check (name, result, what it saw, latency), its column padding
    /// collapsed to two spaces.</summary>
    private static string Line(Run run, string check) => Regex.Replace(
        run.Output.Split('\n').Single(l => l.StartsWith(check + " ", StringComparison.Ordinal)).TrimEnd('\r'), " {2,}", "  ");

    [Fact]
    public async Task Every_check_passes_against_a_stage_that_serves_the_customer_file()
    {
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", Served));
        var run = await SmokeAsync(scratch.Repository, new(stacks.Kestrel.ProxyUrl.AbsoluteUri, Config: scratch.Path("customers", "acme", "staging.yaml")));

        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);
        foreach (var (check, saw) in new[]
                 {
                     ("health", "200 ok, without a key"),
                     ("models", "200, lists all 4 aliases"),
                     ("chat", "200, gpt-4o answered (finish_reason stop"),
                     ("stream", "chunks with content, first after"),
                     ("embeddings", "200, text-embedding-3-small: 1024 dimensions"),
                     ("no key", "401 missing_api_key, OpenAI-shaped error"),
                     ("malformed", "400 invalid_request_error, OpenAI-shaped error"),
                 })
        {
            var line = Line(run, check);
            Assert.Contains("  pass  ", line, StringComparison.Ordinal);
            Assert.Contains(saw, line, StringComparison.Ordinal);
            Assert.Matches(@"\d+ ms$", line);
        }

        Assert.Contains("all 7 checks passed", run.Output, StringComparison.Ordinal);
        Assert.Contains("| stream | ✅ pass | 200, ", run.Summary, StringComparison.Ordinal);
        Assert.Contains("**all 7 checks passed**", run.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(InProcessStack.ApiKey, run.Output + run.Error + run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_behind_api_gateway_passes_at_its_stage_path_with_the_models_named_on_the_command_line()
    {
        var lambda = await stacks.LambdaAsync();
        Assert.EndsWith("/prod/", lambda.ProxyUrl.AbsoluteUri, StringComparison.Ordinal);
        var run = await SmokeAsync(Repo.Real, new(lambda.ProxyUrl.AbsoluteUri.TrimEnd('/'), Models: "gpt-4o-mini, gpt-3.5-turbo", Timeout: "2m"));

        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);
        Assert.Contains("200, gpt-4o-mini answered", Line(run, "chat"), StringComparison.Ordinal);
        Assert.Contains("skipped  skipped: no embedding model is mapped", Line(run, "embeddings"), StringComparison.Ordinal);
        Assert.Contains("all 6 checks passed (1 skipped)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alias_the_stage_does_not_serve_fails_the_models_check_and_names_it()
    {
        // The real acme staging file maps acme-premium; the stack does not serve it.
        var run = await SmokeAsync(Repo.Real, new(stacks.Kestrel.ProxyUrl.AbsoluteUri, Config: Repo.Path("customers", "acme", "staging.yaml")));

        Assert.Equal(Repository.Failed, run.Code);
        var models = Line(run, "models");
        Assert.Contains("  fail  200, but acme-premium is not listed (it lists gpt-4o, gpt-4o-mini, gpt-3.5-turbo,", models, StringComparison.Ordinal);
        Assert.Contains("  pass  ", Line(run, "chat"), StringComparison.Ordinal);
        Assert.Contains("1 of 7 checks failed", run.Output, StringComparison.Ordinal);
        Assert.Equal("gitops: smoke test failed: models\n", run.Error.ReplaceLineEndings("\n"));
        Assert.Contains("| models | ❌ fail | 200, but acme-premium is not listed", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_fails_every_keyed_check_with_401_and_is_never_printed()
    {
        const string Wrong = "sk-bnp-this-is-not-the-key-0123456789abcdef";
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", Served));
        var run = await SmokeAsync(scratch.Repository, new(stacks.Kestrel.ProxyUrl.AbsoluteUri, Config: scratch.Path("customers", "acme", "staging.yaml")), Wrong);

        Assert.Equal(Repository.Failed, run.Code);
        Assert.Contains("fail  expected 200 with a model list, got 401 invalid_api_key", Line(run, "models"), StringComparison.Ordinal);
        Assert.Contains("fail  gpt-4o: expected 200, got 401 invalid_api_key", Line(run, "chat"), StringComparison.Ordinal);
        Assert.Contains("fail  malformed JSON: expected 400, got 401 invalid_api_key", Line(run, "malformed"), StringComparison.Ordinal);
        Assert.Contains("  pass  ", Line(run, "health"), StringComparison.Ordinal);
        Assert.Contains("  pass  ", Line(run, "no key"), StringComparison.Ordinal);
        Assert.Equal("gitops: smoke test failed: models, chat, stream, embeddings, malformed\n", run.Error.ReplaceLineEndings("\n"));
        // Neither the key nor the masked form the proxy quotes back ("sk-bn***ef") reaches the report.
        Assert.DoesNotContain("sk-bn", run.Output + run.Error + run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_a_clear_message_and_runs_nothing_else()
    {
        var port = ClosedPort();
        var run = await SmokeAsync(Repo.Real, new($"http://127.0.0.1:{port}/green", Config: Repo.Path("customers", "acme", "staging.yaml")));

        Assert.Equal(Repository.Failed, run.Code);
        Assert.Contains($"fail  no connection: Connection refused (127.0.0.1:{port})", Line(run, "health"), StringComparison.Ordinal);
        foreach (var check in new[] { "models", "chat", "stream", "embeddings", "no key", "malformed" })
        {
            Assert.Contains("skipped  not run: the endpoint is unreachable", Line(run, check), StringComparison.Ordinal);
        }

        Assert.Equal($"gitops: http://127.0.0.1:{port}/green/ is unreachable: Connection refused (127.0.0.1:{port})\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_key_variable_can_be_renamed()
    {
        var run = await SmokeAsync(Repo.Real, new(stacks.Kestrel.ProxyUrl.AbsoluteUri, Models: "gpt-4o", KeyVariable: "GREEN_KEY"), variable: "GREEN_KEY");
        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);
    }

    public static TheoryData<string, SmokeCommand.Arguments, string?, string> UnusableArguments => new()
    {
        { "no key in the environment", new("http://127.0.0.1:1/"), null, "gitops: no API key: set the environment variable BNP_SMOKE_API_KEY (the key is read from there only, and never printed)" },
        { "not a URL", new("api.example.com/green"), "k", "gitops: --endpoint 'api.example.com/green' is not an http(s) URL (e.g. https://api.example.com/green)" },
        { "not http", new("ftp://api.example.com/"), "k", "gitops: --endpoint 'ftp://api.example.com/' is not an http(s) URL (e.g. https://api.example.com/green)" },
        { "a bad timeout", new("http://127.0.0.1:1/", Timeout: "soon"), "k", "gitops: --timeout 'soon' is not a positive duration (e.g. 500ms, 30s, 2m)" },
        { "a zero timeout", new("http://127.0.0.1:1/", Timeout: "0s"), "k", "gitops: --timeout '0s' is not a positive duration (e.g. 500ms, 30s, 2m)" },
        { "no models", new("http://127.0.0.1:1/", Models: " , "), "k", "gitops: --models names no model" },
        { "no such file", new("http://127.0.0.1:1/", Config: "customers/nobody/prod.yaml"), "k", "gitops: no such customer file: customers/nobody/prod.yaml" },
    };

    [Theory]
    [MemberData(nameof(UnusableArguments))]
    public async Task Unusable_arguments_exit_2_before_any_request(string name, SmokeCommand.Arguments args, string? key, string message)
    {
        var run = await SmokeAsync(Repo.Real, args, key);
        Assert.True(run.Code == Repository.Usage, name);
        Assert.Equal(message, run.Error.Trim());
        Assert.Equal("", run.Output);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on: bound, then released.</summary>
    internal static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
