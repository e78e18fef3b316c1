using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>The templates under templates/, in Scriban's own language, rendered strictly: a syntax error, or a variable,
/// member or function that does not exist, is a <see cref="RenderException"/> naming the file, line and column. Partials
/// come through <see cref="ITemplateLoader"/> from the same folder and are indented where they are included. Each file
/// is parsed once per instance (the renderer is made per command); one render at a time.</summary>
internal sealed class Templates(string root) : ITemplateLoader
{
    private readonly string _root = Path.GetFullPath(root);
    private readonly Dictionary<string, Template> _parsed = new(StringComparer.Ordinal);

    /// <summary>Renders templates/&lt;path&gt; with the model's sections as its globals.</summary>
    public string Render(string path, RenderModel model)
    {
        var name = Name(path) ?? throw new RenderException($"templates/{path} does not exist.");
        if (!_parsed.TryGetValue(name, out var template))
        {
            template = Template.Parse(File.ReadAllText(FullPath(name)), name);
            if (template.HasErrors)
            {
                throw new RenderException(string.Join("\n", template.Messages.Select(m => $"{At(m.Span)}: {m.Message}")));
            }

            _parsed[name] = template;
        }

        var context = new Context(_parsed)
        {
            TemplateLoader = this,
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            EnableRelaxedTargetAccess = false,
            EnableRelaxedFunctionAccess = false,
            EnableRelaxedIndexerAccess = false,
            AutoIndent = true,
            NewLine = "\n",
            // The model is Scriban data (TemplateSurface): no reflected .NET member is ever exposed.
            MemberFilter = _ => false,
            TryGetMember = Undefined,
        };
        context.PushGlobal(TemplateSurface.Globals(model));
        try
        {
            return template.Render(context);
        }
        catch (ScriptParserRuntimeException e)
        {
            // A partial that does not parse: its own errors, and where it was included.
            throw new RenderException(string.Join("\n", e.ParserMessages.Select(m => $"{At(m.Span)}: {m.Message}")) + $"\n(included at {At(e.Span)})");
        }
        catch (ScriptRuntimeException e)
        {
            throw new RenderException($"{At(e.Span)}: {e.OriginalMessage}");
        }
    }

    string ITemplateLoader.GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
        Name(templateName) ?? throw new ScriptRuntimeException(callerSpan, $"include '{templateName}': there is no templates/{templateName}");

    string ITemplateLoader.Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => File.ReadAllText(FullPath(templatePath));

    ValueTask<string?> ITemplateLoader.LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        ValueTask.FromResult<string?>(File.ReadAllText(FullPath(templatePath)));

    /// <summary>templates/&lt;path&gt; (also the name errors show), or null when no such file is under templates/.</summary>
    private string? Name(string path)
    {
        var relative = Path.GetRelativePath(_root, Path.GetFullPath(Path.Combine(_root, path)));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) || !File.Exists(Path.Combine(_root, relative))
            ? null
            : "templates/" + relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private string FullPath(string name) => Path.Combine(_root, name["templates/".Length..]);

    /// <summary>Partials are parsed through the same cache as the templates that include them.</summary>
    private sealed class Context(Dictionary<string, Template> parsed) : TemplateContext(TemplateSurface.Functions)
    {
        protected override Template CreateTemplate(string templatePath, ScriptNode? callerContext)
        {
            if (!parsed.TryGetValue(templatePath, out var template))
            {
                parsed[templatePath] = template = base.CreateTemplate(templatePath, callerContext);
            }

            return template;
        }
    }

    private static string At(SourceSpan span) => $"{span.FileName}:{span.Start.Line + 1}:{span.Start.Column + 1}";

    /// <summary>A member the data does not have: say which members it has.</summary>
    private static bool Undefined(TemplateContext context, SourceSpan span, object target, string member, out object? value)
    {
        var members = context.GetMemberAccessor(target).GetMembers(context, span, target).Order(StringComparer.Ordinal);
        throw new ScriptRuntimeException(span, $"`{member}` is not defined here (defined: {string.Join(", ", members)})");
    }
}
