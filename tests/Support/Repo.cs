using BedrockNovaProxy.GitOps.Commands;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.Tests.Support;

/// <summary>The repository the tests run in, and scratch copies of parts of it.</summary>
public static class Repo
{
    public static readonly DateOnly Today = new(2026, 12, 1);

    public static Repository Real { get; } = Repository.Find(AppContext.BaseDirectory);

    /// <summary>Every committed customer file, validated as `gitops validate` does.</summary>
    public static IReadOnlyList<ValidatedFile> Validated { get; } =
        Validator.ForRepository(Real.Root, Today).ValidateAll(Validator.Discover([Path("customers")]));

    public static string Path(params string[] parts) => System.IO.Path.Combine([Real.Root, .. parts]);

    /// <summary>A throw-away repository: the real schema and templates, and the given customer files.</summary>
    public static Scratch Scratch(params (string Path, string Text)[] files)
    {
        var root = Directory.CreateTempSubdirectory("gitops-test-").FullName;
        File.WriteAllText(System.IO.Path.Combine(root, "BedrockNovaProxy.sln"), "");
        Directory.CreateDirectory(System.IO.Path.Combine(root, "customers"));
        File.Copy(Path("customers", "schema.json"), System.IO.Path.Combine(root, "customers", "schema.json"));
        Copy(Path("templates"), System.IO.Path.Combine(root, "templates"));
        foreach (var (path, text) in files)
        {
            var full = System.IO.Path.Combine(root, path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        return new Scratch(new Repository(root));
    }

    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}

public sealed class Scratch(Repository repository) : IDisposable
{
    public Repository Repository { get; } = repository;

    public string Path(params string[] parts) => System.IO.Path.Combine([Repository.Root, .. parts]);

    public void Dispose() => Directory.Delete(Repository.Root, recursive: true);
}
