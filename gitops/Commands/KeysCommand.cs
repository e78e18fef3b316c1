using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BedrockNovaProxy.Auth;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Keys;
using BedrockNovaProxy.GitOps.Validation;
using YamlDotNet.Core;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary><c>gitops keys new|list|revoke --customer &lt;file&gt;</c>: the API keys of one customer environment. A new
/// key is printed once, on stdout; the file keeps only its SHA-256 (what service/Auth/ApiKeys.cs compares). Every
/// edit keeps the rest of the file as it is, and is refused when the result would not validate.
/// Exit codes: 0 done, 1 refused (a duplicate or unknown name, an edit that would make the file invalid), 2 unusable
/// arguments (no such file).</summary>
public static class KeysCommand
{
    public const string Prefix = "sk-bnp-";

    /// <summary>sk-bnp- and 32 random bytes (256 bits), base64url without padding.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static int New(Repository repo, string file, string name, string? models, int? requestsPerMinute, int? tokensPerMinute,
        TextWriter output, TextWriter error, DateOnly today)
    {
        var secret = NewSecret();
        var entry = new ApiKeyEntry
        {
            Name = name,
            Sha256 = ApiKeyHash.Of(secret),
            Models = [.. (models ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
            RequestsPerMinute = requestsPerMinute,
            TokensPerMinute = tokensPerMinute,
        };
        var code = Edit(repo, file, today, error, text => KeyFile.Add(text, entry), out var relative);
        if (code == Repository.Ok)
        {
            // Written first, shown second: a key that is shown is always one the file accepts.
            output.WriteLine(secret);
            error.WriteLine($"gitops: this key is shown only now; store it (a secret manager, the CI secret {SmokeCommand.DefaultKeyVariable}): {relative} keeps only its SHA-256, as key '{name}'");
        }

        return code;
    }

    public static int List(Repository repo, string file, TextWriter output, TextWriter error, DateOnly today)
    {
        if (CustomerArgument.Load(repo, file, today, error) is not { } config)
        {
            return Repository.Failed;
        }

        static string Limit(int? n) => n is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";
        Report.Write(output, new ReportTable(
            $"API keys of {config.Customer.Name}/{config.Customer.Environment}",
            ["Name", "Models", "Requests/min", "Tokens/min", "SHA-256"],
            [.. config.Auth.Keys.Select(k => (IReadOnlyList<string>)[k.Name, k.Models.Count == 0 ? "all" : string.Join(", ", k.Models),
                Limit(k.RequestsPerMinute), Limit(k.TokensPerMinute), k.Sha256[..Math.Min(8, k.Sha256.Length)] + "…"])],
            Right: new HashSet<int> { 2, 3 }));
        output.WriteLine($"{config.Auth.Keys.Count} key(s)");
        return Repository.Ok;
    }

    /// <summary>A new key beside <paramref name="name"/>, with its models, limits and budgets, printed once; the old
    /// key expires on <paramref name="until"/> (the proxy refuses it from that UTC day on), so its users can move over.
    /// Budgets are per key: until then the two keys each have their own.</summary>
    public static int Rotate(Repository repo, string file, string name, string? newName, DateOnly until, TextWriter output, TextWriter error, DateOnly today)
    {
        if (until <= today)
        {
            error.WriteLine($"gitops: --until {until:yyyy-MM-dd} is not after today ({today:yyyy-MM-dd}): the old key would stop at once; use keys revoke for that");
            return Repository.Usage;
        }

        if (CustomerArgument.Load(repo, file, today, error) is not { } config)
        {
            return Repository.Failed;
        }

        if (config.Auth.Keys.FirstOrDefault(k => k.Name == name) is not { } old)
        {
            error.WriteLine($"gitops: there is no key named '{name}' (keys: {string.Join(", ", config.Auth.Keys.Select(k => k.Name))})");
            return Repository.Failed;
        }

        var secret = NewSecret();
        var entry = old with
        {
            Name = newName ?? $"{name}-{today:yyyyMMdd}",
            Sha256 = ApiKeyHash.Of(secret),
            Models = [.. old.Models],
            Expires = null,
        };
        var code = Edit(repo, file, today, error, text => KeyFile.Add(KeyFile.SetExpiry(text, name, until).Text, entry), out var relative);
        if (code == Repository.Ok)
        {
            output.WriteLine(secret);
            error.WriteLine($"gitops: key '{entry.Name}' replaces '{name}', which {relative} now expires on {until:yyyy-MM-dd}; this key is shown only now, store it");
        }

        return code;
    }

    public static int Revoke(Repository repo, string file, string name, TextWriter output, TextWriter error, DateOnly today)
    {
        var code = Edit(repo, file, today, error, text => KeyFile.Remove(text, name), out var relative);
        if (code == Repository.Ok)
        {
            output.WriteLine($"revoked key '{name}' in {relative}; it stops working once the stack is deployed");
        }

        return code;
    }

    /// <summary>Applies an edit to the file's text and writes it back only when the result validates. The bytes
    /// outside the edit are kept, a UTF-8 byte order mark included.</summary>
    private static int Edit(Repository repo, string file, DateOnly today, TextWriter error, Func<string, KeyFileEdit> edit, out string relative)
    {
        relative = CustomerArgument.Find(repo, file, error) ?? "";
        if (relative.Length == 0)
        {
            return Repository.Usage;
        }

        var path = Path.Combine(repo.Root, relative);
        var bytes = File.ReadAllBytes(path);
        var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
        KeyFileEdit change;
        try
        {
            change = edit(text);
        }
        catch (Exception e) when (e is KeyFileException or YamlException)
        {
            error.WriteLine($"gitops: {relative}: {e.Message}");
            return Repository.Failed;
        }

        var result = Validator.ForRepository(repo.Root, today).Validate(relative, change.Text);
        if (result.HasErrors)
        {
            foreach (var d in result.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                error.WriteLine(d);
            }

            error.WriteLine($"gitops: {relative} is unchanged: the edit would make it invalid");
            return Repository.Failed;
        }

        File.WriteAllBytes(path, [.. bom ? Encoding.UTF8.Preamble : [], .. Encoding.UTF8.GetBytes(change.Text)]);
        return Repository.Ok;
    }
}
