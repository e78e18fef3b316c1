using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Configuration;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Keys;
using BedrockNovaProxy.GitOps.Validation;
using BedrockNovaProxy.Local;
using Microsoft.Extensions.Configuration;

namespace BedrockNovaProxy.GitOps.Tests;

public class KeysTests
{
    private static readonly ApiKeyEntry Entry = new()
    {
        Name = "new-key",
        Sha256 = ApiKeyHash.Of("sk-bnp-example"),
        Models = ["gpt-4o"],
        RequestsPerMinute = 60,
    };

    private const string Head = "# yaml-language-server: $schema=../schema.json\ncustomer:\n  name: \"acme\"\n";

    /// <summary>Layouts an auth section can have, each with the entry it should end with.</summary>
    public static TheoryData<string, string> Layouts => new()
    {
        { "no auth, a gate after", Head + "models:\n  mappings:\n    \"gpt-4o\": \"amazon.nova-pro-v1:0\"\n\n# the load gate\ngate:\n  rate: 5\n" },
        { "no auth, nothing after", Head + "models:\n  mappings:\n    \"gpt-4o\": \"amazon.nova-pro-v1:0\"\n" },
        { "no auth, no final line break", Head + "models:\n  mappings:\n    \"gpt-4o\": \"amazon.nova-pro-v1:0\"" },
        { "auth: {}", Head + "auth: {}\ngate:\n  rate: 5\n" },
        { "auth without a value", Head + "auth:\ngate:\n  rate: 5\n" },
        { "keys: [] with a comment", Head + "auth:\n  keys: [] # none yet\n" },
        { "auth without keys", Head + "auth:\n  # keys go here\n  other: 1\n" },
        { "a list with a comment in it", Head + "auth:\n  keys:\n    - name: \"a\"\n      # rotated yearly\n      sha256: \"" + new string('a', 64) + "\"\n\ngate:\n  rate: 5\n" },
        { "an indentless list", Head + "auth:\n  keys:\n  - name: \"a\"\n    sha256: \"" + new string('a', 64) + "\"\n" },
        { "four-space indentation", "customer:\n    name: \"acme\"\nauth:\n    keys:\n        -   name: \"a\"\n            sha256: \"" + new string('a', 64) + "\"\n" },
        { "the last key ends the file without a line break", Head + "auth:\n  keys:\n    - name: \"a\"\n      sha256: \"" + new string('a', 64) + "\"" },
        { "a last value that is a flow list over lines", Head + "auth:\n  keys:\n    - name: \"a\"\n      sha256: \"" + new string('a', 64) + "\"\n      models: [\n        \"gpt-4o\", \"odd]name\" # one\n      ]\ngate:\n  rate: 5\n" },
        { "a flow entry", Head + "auth:\n  keys:\n    - {name: \"a\", sha256: \"" + new string('a', 64) + "\"}\n" },
        { "CRLF", (Head + "auth:\n  keys:\n    - name: \"a\"\n      sha256: \"" + new string('a', 64) + "\"\n\ngate:\n  rate: 5\n").ReplaceLineEndings("\r\n") },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void A_new_entry_is_the_only_change_and_reads_back_as_the_last_key(string layout, string text)
    {
        var edit = KeyFile.Add(text, Entry);

        Assert.Equal(text[..edit.Offset] + edit.Inserted + text[(edit.Offset + edit.Removed.Length)..], edit.Text);
        Assert.True(edit.Removed.Trim() is "" or "{}" or "[]", layout);
        Assert.Equal(text.Contains('\r'), edit.Inserted.Contains('\r'));
        var (root, _) = YamlJson.Read(edit.Text);
        var last = root!["auth"]!["keys"]!.AsArray()[^1]!;
        Assert.Equal(("new-key", Entry.Sha256, "gpt-4o", 60), (Str(last["name"]), Str(last["sha256"]), Str(last["models"]![0]), (long)last["requests_per_minute"]!));
        Assert.Null(last["tokens_per_minute"]);
        // What the file held before is still there, under the same keys.
        foreach (var (key, value) in ((JsonObject)YamlJson.Read(text).Root!).Where(kv => kv.Key != "auth"))
        {
            Assert.True(JsonNode.DeepEquals(value, root[key]), $"{layout}: {key}");
        }
    }

    [Fact]
    public void The_entry_follows_the_list_it_joins_and_comes_after_the_last_key_of_a_real_file()
    {
        var text = SmokeTests.Staging;
        var edit = KeyFile.Add(text, Entry);

        Assert.Equal($"    - name: \"new-key\"\n      sha256: \"{Entry.Sha256}\"\n      models: [\"gpt-4o\"]\n      requests_per_minute: 60\n", edit.Inserted);
        Assert.EndsWith("      tokens_per_minute: 200000\n", text[..edit.Offset], StringComparison.Ordinal);
        Assert.StartsWith("\ngate:\n", text[edit.Offset..], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_customer_file_takes_a_key_and_stays_valid()
    {
        var validator = Validator.ForRepository(Repo.Real.Root, Repo.Today);
        foreach (var file in Directory.EnumerateFiles(Repo.Path("customers"), "*.yaml", SearchOption.AllDirectories))
        {
            var name = Repo.Real.Relative(file);
            var text = File.ReadAllText(file);
            var edit = KeyFile.Add(text, Entry with { Models = [] });
            Assert.Equal("", edit.Removed);
            Assert.Equal(text, edit.Text.Remove(edit.Offset, edit.Inserted.Length));
            var result = validator.Validate(name, edit.Text);
            Assert.True(!result.HasErrors, $"{name}: {string.Join("; ", result.Diagnostics)}");
            Assert.Equal("new-key", result.Config!.Auth.Keys[^1].Name);
        }
    }

    [Fact]
    public void A_duplicate_name_or_an_unknown_layout_is_refused()
    {
        Assert.Equal("a key named 'acme-ci' already exists; revoke it first or choose another name",
            Assert.Throws<KeyFileException>(() => KeyFile.Add(SmokeTests.Staging, Entry with { Name = "acme-ci" })).Message);
        Assert.StartsWith("auth.keys is written in a form this command does not rewrite",
            Assert.Throws<KeyFileException>(() => KeyFile.Add(Head + "auth:\n  keys: [{name: \"a\", sha256: \"b\"}]\n", Entry)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Revoking_removes_exactly_the_lines_of_one_entry()
    {
        var text = SmokeTests.Staging;
        var edit = KeyFile.Remove(text, "acme-ci");

        Assert.Equal("    - name: \"acme-ci\"\n      sha256: \"c4555a2cbf22a713903424961dfdcc0fd766dc9d5fe6ff786743052ca612525d\"\n      requests_per_minute: 600\n", edit.Removed);
        Assert.Equal(text, edit.Text.Insert(edit.Offset, edit.Removed));
        Assert.Equal(["acme-qa"], YamlJson.Read(edit.Text).Root!["auth"]!["keys"]!.AsArray().Select(k => Str(k!["name"])));
        Assert.Equal("there is no key named 'acme-web' (keys: acme-ci, acme-qa)", Assert.Throws<KeyFileException>(() => KeyFile.Remove(text, "acme-web")).Message);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with \"quotes\" and \\", "with \\\"quotes\\\" and \\\\")]
    [InlineData("tab\there", "tab\\there")]
    public void Strings_are_written_double_quoted(string value, string escaped)
    {
        Assert.Equal($"\"{escaped}\"", KeyFile.Quote(value));
        Assert.Equal(value, Str(YamlJson.Read($"v: {KeyFile.Quote(value)}\n").Root!["v"]));
    }

    [Fact]
    public void Keys_new_prints_the_key_once_and_the_proxy_accepts_the_hash_it_writes()
    {
        var before = File.ReadAllBytes(Repo.Path("customers", "acme", "staging.yaml"));
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", Encoding.UTF8.GetString(before)));
        var path = scratch.Path("customers", "acme", "staging.yaml");
        var (code, output, error) = Keys(o => KeysCommand.New(scratch.Repository, path, "smoke", "gpt-4o, gpt-4o-mini", 120, null, o.Out, o.Err, Repo.Today));

        Assert.Equal(Repository.Ok, code);
        var key = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^sk-bnp-[A-Za-z0-9_-]{43}$", key);
        Assert.Equal("gitops: this key is shown only now; store it (a secret manager, the CI secret BNP_SMOKE_API_KEY): customers/acme/staging.yaml keeps only its SHA-256, as key 'smoke'\n",
            error.ReplaceLineEndings("\n"));

        var after = File.ReadAllText(path);
        Assert.DoesNotContain(key, after, StringComparison.Ordinal);
        Assert.Contains($"sha256: \"{ApiKeyHash.Of(key)}\"", after, StringComparison.Ordinal);
        // Byte for byte the same outside the new entry.
        var offset = Common(Encoding.UTF8.GetString(before), after);
        var inserted = after.Length - before.Length;
        Assert.Equal(Encoding.UTF8.GetString(before), after.Remove(offset, inserted));

        // The proxy, configured from the file as every host configures it, knows the key by its name and limits.
        var proxy = Proxy(scratch.Repository, path);
        var found = ApiKeys.From(proxy.Options.Auth, proxy.Models, TimeProvider.System).Find(key);
        Assert.Equal("smoke", found?.Name);
        Assert.Equal(120, found!.Requests!.Limit);
        Assert.NotNull(found.Models.Resolve("gpt-4o-mini"));
        Assert.Null(found.Models.Resolve("gpt-3.5-turbo"));
        Assert.Null(ApiKeys.From(proxy.Options.Auth, proxy.Models, TimeProvider.System).Find(key + "x"));
    }

    [Fact]
    public async Task A_new_key_passes_the_smoke_test_of_a_stage_configured_from_the_file()
    {
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", SmokeTests.Staging));
        var path = scratch.Path("customers", "acme", "staging.yaml");
        var (code, key, _) = Keys(o => KeysCommand.New(scratch.Repository, path, "ci-smoke", null, null, null, o.Out, o.Err, Repo.Today));
        Assert.Equal(Repository.Ok, code);

        // The stage's settings as the rendered stack sets them (EMF off: the test reads no stdout metrics).
        var settings = ProxySettings.For(CustomerArgument.Load(scratch.Repository, path, Repo.Today, TextWriter.Null)!, lambda: false)
            .Where(kv => !kv.Key.StartsWith("Proxy__Telemetry__", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        await using var stage = await InProcessStack.StartAsync(settings);
        var run = await SmokeTests.SmokeAsync(scratch.Repository, new(stage.ProxyUrl.AbsoluteUri, Config: path), key.Trim());

        Assert.True(run.Code == Repository.Ok, run.Output + run.Error);
        Assert.Contains("all 7 checks passed", run.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?, int?, string> Refusals => new()
    {
        { "a duplicate name", "acme-qa", null, null, "gitops: customers/acme/staging.yaml: a key named 'acme-qa' already exists; revoke it first or choose another name" },
        { "an alias the file does not map", "reports", "gpt-4o, nope", null, "key 'reports' allows 'nope', which is neither an alias here nor a Nova model" },
        { "a limit of zero", "reports", null, 0, "customers/acme/staging.yaml:75:28: error [schema] auth.keys[2].requests_per_minute is 0; it must be at least 1\ngitops: customers/acme/staging.yaml is unchanged: the edit would make it invalid" },
        { "a name the schema refuses", "Reports Key", null, null, "auth.keys[2].name is \"Reports Key\", which is not of the expected form (fix: it must match ^[a-z0-9][a-z0-9._-]{0,63}$)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_key_leaves_the_file_untouched_and_prints_no_key(string why, string name, string? models, int? rpm, string message)
    {
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", SmokeTests.Staging));
        var path = scratch.Path("customers", "acme", "staging.yaml");
        var (code, output, error) = Keys(o => KeysCommand.New(scratch.Repository, path, name, models, rpm, null, o.Out, o.Err, Repo.Today));

        Assert.True(code == Repository.Failed, why);
        Assert.Equal("", output);
        Assert.Contains(message, error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("namespace", error, StringComparison.Ordinal);
        Assert.Equal(SmokeTests.Staging, File.ReadAllText(path));
    }

    [Fact]
    public void Revoke_removes_one_key_and_refuses_to_leave_a_file_without_keys()
    {
        var globex = File.ReadAllText(Repo.Path("customers", "globex", "staging.yaml"));
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", SmokeTests.Staging), ("customers/globex/staging.yaml", globex));
        var acme = scratch.Path("customers", "acme", "staging.yaml");

        var (code, output, _) = Keys(o => KeysCommand.Revoke(scratch.Repository, acme, "acme-qa", o.Out, o.Err, Repo.Today));
        Assert.Equal(Repository.Ok, code);
        Assert.Equal("revoked key 'acme-qa' in customers/acme/staging.yaml; it stops working once the stack is deployed\n", output.ReplaceLineEndings("\n"));
        const string QaKey = "    - name: \"acme-qa\"\n      sha256: \"aa21ec58382b1fabc79228d7c5700537d27980c18260a84ba9a54e9f0a03dad3\"\n" +
            "      models: [\"gpt-4o-mini\", \"gpt-3.5-turbo\"]\n      requests_per_minute: 120\n      tokens_per_minute: 200000\n";
        Assert.Contains(QaKey, SmokeTests.Staging, StringComparison.Ordinal);
        Assert.Equal(SmokeTests.Staging.Replace(QaKey, "", StringComparison.Ordinal), File.ReadAllText(acme));

        Assert.Equal(Repository.Failed, Keys(o => KeysCommand.Revoke(scratch.Repository, acme, "acme-qa", o.Out, o.Err, Repo.Today)).Code);

        var last = scratch.Path("customers", "globex", "staging.yaml");
        var (refused, _, error) = Keys(o => KeysCommand.Revoke(scratch.Repository, last, "globex-staging", o.Out, o.Err, Repo.Today));
        Assert.Equal(Repository.Failed, refused);
        Assert.Contains("gitops: customers/globex/staging.yaml is unchanged: the edit would make it invalid", error, StringComparison.Ordinal);
        Assert.Equal(globex, File.ReadAllText(last));
    }

    [Fact]
    public void Rotate_adds_a_key_like_the_old_one_and_the_proxy_refuses_the_old_one_from_the_day_given()
    {
        using var scratch = Repo.Scratch(("customers/acme/staging.yaml", SmokeTests.Staging));
        var acme = scratch.Path("customers", "acme", "staging.yaml");
        var until = Repo.Today.AddDays(30);

        var (code, output, error) = Keys(o => KeysCommand.Rotate(scratch.Repository, acme, "acme-qa", null, until, o.Out, o.Err, Repo.Today));

        Assert.Equal(Repository.Ok, code);
        var key = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("key 'acme-qa-20261201' replaces 'acme-qa'", error, StringComparison.Ordinal);
        var proxy = Proxy(scratch.Repository, acme);
        var fresh = ApiKeys.From(proxy.Options.Auth, proxy.Models, TimeProvider.System).Find(key)!;
        var old = proxy.Options.Auth.Keys.Single(k => k.Name == "acme-qa");
        Assert.Equal(("acme-qa-20261201", 120, null), (fresh.Name, fresh.Requests!.Limit, fresh.ExpiresAt));
        Assert.NotNull(fresh.Models.Resolve("gpt-4o-mini"));
        Assert.Null(fresh.Models.Resolve("gpt-4o"));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), old.ExpiresAt);
        Assert.Contains("      expires: \"2026-12-31\"\n", File.ReadAllText(acme), StringComparison.Ordinal);

        // Again: the old key's day is replaced, not repeated; a day that is not ahead is refused.
        Assert.Equal(Repository.Ok, Keys(o => KeysCommand.Rotate(scratch.Repository, acme, "acme-qa", "acme-qa-2", until.AddDays(1), o.Out, o.Err, Repo.Today)).Code);
        Assert.Single(Regex.Matches(File.ReadAllText(acme), "expires: \"2027-01-01\""));
        Assert.DoesNotContain("2026-12-31", File.ReadAllText(acme), StringComparison.Ordinal);
        Assert.Equal(Repository.Usage, Keys(o => KeysCommand.Rotate(scratch.Repository, acme, "acme-qa", "x", Repo.Today, o.Out, o.Err, Repo.Today)).Code);
        Assert.Equal(Repository.Failed, Keys(o => KeysCommand.Rotate(scratch.Repository, acme, "nobody", "x", until, o.Out, o.Err, Repo.Today)).Code);
    }

    public static TheoryData<int, string?> Expiries => new()
    {
        { 30, null },
        { 15, null },
        { 14, "key-expiry" },
        { 1, "key-expiry" },
        { 0, "key-expired" },
        { -3, "key-expired" },
    };

    [Theory]
    [MemberData(nameof(Expiries))]
    public void Validate_warns_two_weeks_ahead_of_a_keys_expiry(int daysAhead, string? code)
    {
        var day = Repo.Today.AddDays(daysAhead).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var text = SmokeTests.Staging.Replace("      requests_per_minute: 120\n", $"      requests_per_minute: 120\n      expires: \"{day}\"\n", StringComparison.Ordinal);
        Assert.NotEqual(SmokeTests.Staging, text);

        var result = Validator.ForRepository(Repo.Real.Root, Repo.Today).Validate("customers/acme/staging.yaml", text);

        Assert.False(result.HasErrors);
        Assert.Equal(code is null ? [] : [code], result.Diagnostics.Where(d => d.Code.StartsWith("key-exp", StringComparison.Ordinal)).Select(d => d.Code));
        Assert.All(result.Diagnostics.Where(d => d.Code.StartsWith("key-exp", StringComparison.Ordinal)), d => Assert.Equal(Severity.Warning, d.Severity));
    }

    [Fact]
    public void List_shows_names_models_limits_and_hash_prefixes_only()
    {
        var (code, output, _) = Keys(o => KeysCommand.List(Repo.Real, Repo.Path("customers", "acme", "staging.yaml"), o.Out, o.Err, Repo.Today));

        Assert.Equal(Repository.Ok, code);
        var lines = output.ReplaceLineEndings("\n").Split('\n').Select(l => Regex.Replace(l, " {2,}", "  ").TrimEnd()).ToList();
        Assert.Contains("acme-ci  all  600  -  c4555a2c…", lines);
        Assert.Contains("acme-qa  gpt-4o-mini, gpt-3.5-turbo  120  200,000  aa21ec58…", lines);
        Assert.Contains("2 key(s)", lines);
        Assert.DoesNotContain("c4555a2cbf", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_breaks_survive_an_edit()
    {
        var crlf = SmokeTests.Staging.ReplaceLineEndings("\r\n");
        using var scratch = Repo.Scratch();
        var path = scratch.Path("customers", "acme", "staging.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(crlf)]);

        Assert.Equal(Repository.Ok, Keys(o => KeysCommand.Revoke(scratch.Repository, path, "acme-ci", o.Out, o.Err, Repo.Today)).Code);
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Equal(crlf.Replace("    - name: \"acme-ci\"\r\n      sha256: \"c4555a2cbf22a713903424961dfdcc0fd766dc9d5fe6ff786743052ca612525d\"\r\n      requests_per_minute: 600\r\n", "", StringComparison.Ordinal),
            Encoding.UTF8.GetString(bytes.AsSpan(3)));
    }

    [Fact]
    public void A_missing_file_is_an_unusable_argument()
    {
        var (code, _, error) = Keys(o => KeysCommand.New(Repo.Real, "customers/nobody/prod.yaml", "k", null, null, null, o.Out, o.Err, Repo.Today));
        Assert.Equal(Repository.Usage, code);
        Assert.Equal("gitops: no such customer file: customers/nobody/prod.yaml", error.Trim());
    }

    [Fact]
    public void New_secrets_are_distinct_and_carry_256_bits()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => KeysCommand.NewSecret()).ToHashSet();
        Assert.Equal(100, secrets.Count);
        Assert.All(secrets, s => Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(s.AsSpan(KeysCommand.Prefix.Length)).Length));
    }

    private static (int Code, string Out, string Err) Keys(Func<(TextWriter Out, TextWriter Err), int> run)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        return (run((output, error)), output.ToString(), error.ToString());
    }

    private static ProxyConfiguration Proxy(Repository repo, string file)
    {
        var config = CustomerArgument.Load(repo, file, Repo.Today, TextWriter.Null) ?? throw new InvalidOperationException(file);
        var settings = ProxySettings.For(config, lambda: false).Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value));
        return ProxyConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    private static int Common(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    private static string? Str(JsonNode? node) => node?.GetValue<string>();
}
