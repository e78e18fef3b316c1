using System.Text.Json;

namespace BedrockNovaProxy.Customers;

/// <summary>A customer file's text in its typed form. This reads only: `gitops validate` adds the schema, the rules and
/// the positions of its findings, so tools that need a value from a file (the load tool's gate) read it here, and the
/// workflows validate the same file first.</summary>
public static class CustomerFile
{
    /// <exception cref="FormatException">The text is not YAML, or not a customer file's shape; the message says where.</exception>
    public static CustomerConfig Parse(string yaml)
    {
        try
        {
            var (root, _) = YamlJson.Read(yaml);
            return root.Deserialize(CustomerJsonContext.Default.CustomerConfig) ?? throw new FormatException("The customer file is empty.");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"The customer file is not valid YAML: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The customer file does not have a customer file's shape at {e.Path}: run gitops validate on it.", e);
        }
    }

    public static CustomerConfig Read(string path) => Parse(File.ReadAllText(path));
}
