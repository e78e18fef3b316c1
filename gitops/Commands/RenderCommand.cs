using BedrockNovaProxy.GitOps.CloudFormation;
using BedrockNovaProxy.GitOps.Rendering;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary>One customer environment's rendered files and where they belong (out/&lt;customer&gt;/&lt;environment&gt;/).</summary>
public sealed record Render(string Customer, string Environment, string Folder, IReadOnlyList<RenderedFile> Files);

/// <summary><c>gitops render [paths] [--out out] [--check]</c>. Renders every valid customer file into
/// out/&lt;customer&gt;/&lt;environment&gt;/; with --check, writes nothing and fails when the committed renders differ.
/// Exit codes: 0 done (or up to date), 1 invalid files, a broken render or (--check) a difference, 2 bad arguments.</summary>
public static class RenderCommand
{
    public static int Run(Repository repo, IReadOnlyList<string> paths, string? outDir, bool check, TextWriter output, TextWriter error, DateOnly today)
    {
        var root = Path.GetFullPath(outDir ?? repo.Out);
        if (!TryRenderAll(repo, paths, today, error, out var renders) || renders is null)
        {
            return renders is null ? Repository.Usage : Repository.Failed;
        }

        var whole = paths.Count == 0;
        return check ? Check(repo, root, renders, whole, output, error) : Write(repo, root, renders, whole, output);
    }

    /// <summary>Validates, then renders each file. False with the reasons printed when anything fails; renders is null
    /// when the arguments themselves were unusable.</summary>
    public static bool TryRenderAll(Repository repo, IReadOnlyList<string> paths, DateOnly today, TextWriter error, out IReadOnlyList<Render>? renders)
    {
        renders = null;
        // Rules across files (one file per customer environment) need every file, even when rendering a few.
        if (!ValidateCommand.TryValidate(repo, [], today, error, out var all))
        {
            return false;
        }

        var wanted = paths.Count == 0 ? null : Validator.Discover(paths).Select(repo.Relative).ToHashSet(StringComparer.Ordinal);
        var selected = all.Where(r => wanted is null || wanted.Contains(r.Path)).ToList();
        renders = [];
        if (wanted is not null && selected.Count < wanted.Count)
        {
            error.WriteLine($"gitops: not customer files under customers/: {string.Join(", ", wanted.Except(selected.Select(s => s.Path)))}");
            renders = null;
            return false;
        }

        var invalid = selected.Where(r => r.HasErrors).ToList();
        foreach (var diagnostic in invalid.SelectMany(r => r.Diagnostics).Where(d => d.Severity == Severity.Error))
        {
            error.WriteLine(diagnostic);
        }

        if (invalid.Count > 0)
        {
            error.WriteLine($"gitops: {invalid.Count} file(s) are invalid; nothing was rendered (run gitops validate).");
            return false;
        }

        var renderer = Renderer.ForRepository(repo.Root);
        var list = new List<Render>();
        foreach (var file in selected)
        {
            var config = file.Config!;
            try
            {
                list.Add(new Render(config.Customer.Name, config.Customer.Environment, $"{config.Customer.Name}/{config.Customer.Environment}",
                    renderer.Render(config, file.Path)));
            }
            catch (Exception e) when (e is RenderException or CfnException)
            {
                error.WriteLine($"{file.Path}: {e.Message}");
                return false;
            }
        }

        renders = list;
        return true;
    }

    private static int Write(Repository repo, string root, IReadOnlyList<Render> renders, bool whole, TextWriter output)
    {
        foreach (var render in renders)
        {
            var folder = Path.Combine(root, render.Folder);
            foreach (var stale in Existing(folder).Except(render.Files.Select(f => f.Path)))
            {
                File.Delete(Path.Combine(folder, stale));
            }

            foreach (var file in render.Files)
            {
                var path = Path.Combine(folder, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Text);
            }

            output.WriteLine($"rendered {repo.Relative(folder)}/ ({string.Join(", ", render.Files.Select(f => f.Path))})");
        }

        if (whole)
        {
            foreach (var orphan in Folders(root).Except(renders.Select(r => r.Folder)))
            {
                Directory.Delete(Path.Combine(root, orphan), recursive: true);
                output.WriteLine($"removed {repo.Relative(Path.Combine(root, orphan))}/ (its customer file is gone)");
            }
        }

        return Repository.Ok;
    }

    private static int Check(Repository repo, string root, IReadOnlyList<Render> renders, bool whole, TextWriter output, TextWriter error)
    {
        var problems = new List<string>();
        foreach (var render in renders)
        {
            var folder = Path.Combine(root, render.Folder);
            foreach (var file in render.Files)
            {
                var path = Path.Combine(folder, file.Path);
                if (!File.Exists(path))
                {
                    problems.Add($"{repo.Relative(path)} is missing");
                }
                else if (FirstDifference(File.ReadAllText(path), file.Text) is { } line)
                {
                    problems.Add($"{repo.Relative(path)} differs from its render (first at line {line})");
                }
            }

            problems.AddRange(Existing(folder).Except(render.Files.Select(f => f.Path)).Select(f => $"{repo.Relative(Path.Combine(folder, f))} is no longer rendered"));
        }

        if (whole)
        {
            problems.AddRange(Folders(root).Except(renders.Select(r => r.Folder)).Select(f => $"{repo.Relative(Path.Combine(root, f))}/ has no customer file"));
        }

        foreach (var problem in problems)
        {
            error.WriteLine(problem);
        }

        if (problems.Count > 0)
        {
            error.WriteLine("gitops: the committed renders are out of date: run `gitops render` and commit out/.");
            return Repository.Failed;
        }

        output.WriteLine($"{renders.Count} render(s) up to date");
        return Repository.Ok;
    }

    private static int? FirstDifference(string committed, string rendered)
    {
        if (committed == rendered)
        {
            return null;
        }

        var a = committed.Split('\n');
        var b = rendered.Split('\n');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }

    private static IEnumerable<string> Existing(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
        : [];

    /// <summary>customer/environment folders under out/.</summary>
    private static IEnumerable<string> Folders(string root) => Directory.Exists(root)
        ? Directory.EnumerateDirectories(root).SelectMany(c => Directory.EnumerateDirectories(c).Select(e => $"{Path.GetFileName(c)}/{Path.GetFileName(e)}"))
        : [];
}
