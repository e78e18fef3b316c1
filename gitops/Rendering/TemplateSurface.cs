using System.Collections;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scriban.Functions;
using Scriban.Runtime;

namespace BedrockNovaProxy.GitOps.Rendering;

/// <summary>All a template can reach: the render model as read-only Scriban data, and the functions given here.
/// The model is copied into read-only <see cref="ScriptObject"/>s and lists with snake_case names (Scriban's own
/// renamer), so a template reads values and never touches a .NET object: it cannot call a method, reach a member the
/// model does not list, or change what C# renders next. Scriban's builtins (date.now, object.eval, regex...) are not
/// given: renders must be deterministic, and the templates need only these.</summary>
internal static class TemplateSurface
{
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Members = new();

    /// <summary>The template functions: <c>include 'parts/x.yaml.sbn-txt'</c> (a partial, indented where it is called)
    /// and <c>quote</c>. A function a template calls that is not here is a render error.</summary>
    public static ScriptObject Functions { get; } = CreateFunctions();

    /// <summary>The global scope of one render: each model section read-only; the template's own variables go beside them.</summary>
    public static ScriptObject Globals(RenderModel model)
    {
        var globals = new ScriptObject();
        foreach (var (name, property) in MembersOf(typeof(RenderModel)))
        {
            globals.SetValue(name, Data(property.GetValue(model)), readOnly: true);
        }

        return globals;
    }

    /// <summary>A YAML/JSON double-quoted scalar (quotes, backslashes and control characters escaped; non-ASCII kept
    /// readable). Quoting nothing is an error: a template that quotes an absent value must test for it first.</summary>
    public static string Quote(string? text) => text is null
        ? throw new InvalidOperationException("quote was given null: test that the value is set before quoting it")
        : $"\"{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";

    private static ScriptObject CreateFunctions()
    {
        var functions = new ScriptObject();
        functions.SetValue("include", new IncludeFunction(), readOnly: true);
        functions.Import("quote", new Func<string?, string>(Quote));
        functions.SetReadOnly("quote", true);
        return functions;
    }

    /// <summary>Plain data only: scalars, lists, string maps and the project's own records; anything else is a bug in
    /// the model, refused here rather than handed to a template.</summary>
    internal static object? Data(object? value) => value switch
    {
        null => null,
        string or bool or int or long or double or decimal => value,
        Enum member => StandardMemberRenamer.Rename(member.ToString()),
        IDictionary<string, string> map => ReadOnly(map.Select(pair => (pair.Key, (object?)pair.Value))),
        IEnumerable list => ReadOnly(list),
        _ when value.GetType().Namespace?.StartsWith("BedrockNovaProxy.", StringComparison.Ordinal) == true =>
            ReadOnly(MembersOf(value.GetType()).Select(m => (m.Name, Data(m.Property.GetValue(value))))),
        _ => throw new RenderException($"the render model holds a {value.GetType()}; templates get plain data only (TemplateSurface.Data)"),
    };

    private static ScriptObject ReadOnly(IEnumerable<(string Name, object? Value)> members)
    {
        var data = new ScriptObject();
        foreach (var (name, value) in members)
        {
            data.SetValue(name, value, readOnly: true);
        }

        data.IsReadOnly = true;
        return data;
    }

    // Not a ScriptArray: its IList indexer ignores IsReadOnly, so `list[0] = x` would still write.
    private static ReadOnlyCollection<object?> ReadOnly(IEnumerable items) => Array.AsReadOnly([.. items.Cast<object?>().Select(Data)]);

    private static (string Name, PropertyInfo Property)[] MembersOf(Type type) => Members.GetOrAdd(type, t =>
        [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (StandardMemberRenamer.Rename(p), p))]);
}
