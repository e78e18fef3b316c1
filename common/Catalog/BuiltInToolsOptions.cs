namespace BedrockNovaProxy.Catalog;

/// <summary>Nova's system tools, off unless the customer switches them on (Proxy:BuiltInTools; a customer file's
/// models.built_in_tools). Each maps an OpenAI built-in tool, and the rendered IAM policy grants bedrock:InvokeTool on
/// it only then.</summary>
public sealed record BuiltInToolsOptions
{
    /// <summary>nova_grounding: chat completions' web_search_options and the Responses API's web_search tool.</summary>
    public bool WebGrounding { get; set; }

    /// <summary>nova_code_interpreter: the Responses API's code_interpreter tool.</summary>
    public bool CodeInterpreter { get; set; }
}
