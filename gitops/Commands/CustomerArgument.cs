using BedrockNovaProxy.Customers;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary>One customer file named on a command line (smoke --config, cost --config, keys --customer).</summary>
public static class CustomerArgument
{
    /// <summary>The file's path as the repository names it (customers/acme/prod.yaml), or null with the reason printed
    /// when there is no such file.</summary>
    public static string? Find(Repository repo, string path, TextWriter error)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            error.WriteLine($"gitops: no such customer file: {path}");
            return null;
        }

        return repo.Relative(full);
    }

    /// <summary>The typed configuration of a file whose schema passes (rule findings do not stop a command that only
    /// reads the file); null with the findings printed otherwise.</summary>
    public static CustomerConfig? Load(Repository repo, string path, DateOnly today, TextWriter error)
    {
        if (Find(repo, path, error) is not { } relative)
        {
            return null;
        }

        var result = Validator.ForRepository(repo.Root, today).Validate(relative, File.ReadAllText(Path.Combine(repo.Root, relative)));
        if (result.Config is null)
        {
            foreach (var d in result.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                error.WriteLine(d);
            }

            error.WriteLine($"gitops: {relative} is not a usable customer file (run gitops validate {relative}).");
        }

        return result.Config;
    }
}
