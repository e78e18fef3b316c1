namespace BedrockNovaProxy.Cli;

/// <summary>The repository's root: the folder holding BedrockNovaProxy.sln, found upwards from a starting folder (the
/// current one, or a program's own folder when it runs from bin/).</summary>
public static class RepositoryRoot
{
    public const string Marker = "BedrockNovaProxy.sln";

    public static string? Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>From the current folder, else from the program's own (dotnet run from elsewhere), else the current folder.</summary>
    public static string Locate() => Find() ?? Find(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
}
