using System.Text;
using Spectre.Console;

namespace BedrockNovaProxy.GitOps.Commands;

/// <summary>A table of a command's report. <paramref name="Status"/> names a column whose cells (pass, fail, skip)
/// are coloured on a terminal; <paramref name="Right"/> the columns aligned right (figures).</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, int? Status = null, IReadOnlySet<int>? Right = null);

/// <summary>How smoke and cost report: a Spectre table on a terminal, plain aligned lines when the output is redirected
/// (CI logs, files), and Markdown for a file or GitHub's job summary ($GITHUB_STEP_SUMMARY).</summary>
public static class Report
{
    public static bool IsTerminal(TextWriter output) => output == System.Console.Out && !System.Console.IsOutputRedirected;

    /// <summary>A Spectre console on <paramref name="output"/>: colours on a terminal, none (and no wrapping) elsewhere.</summary>
    public static IAnsiConsole Console(TextWriter output)
    {
        var interactive = Report.IsTerminal(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // Logs and files keep one finding per line, however long.
        console.Profile.Width = interactive ? console.Profile.Width : 400;
        return console;
    }

    public static void Write(TextWriter output, ReportTable table)
    {
        if (IsTerminal(output))
        {
            var spectre = new Table { Title = new TableTitle(Markup.Escape(table.Title)) };
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = new TableColumn(Markup.Escape(table.Columns[c]));
                spectre.AddColumn(table.Right?.Contains(c) == true ? column.RightAligned() : column);
            }

            foreach (var row in table.Rows)
            {
                spectre.AddRow([.. row.Select((cell, c) => c == table.Status ? Coloured(cell) : new Markup(Markup.Escape(cell)))]);
            }

            Console(output).Write(spectre);
            return;
        }

        output.WriteLine(table.Title);
        var widths = table.Columns.Select((name, c) => table.Rows.Select(r => r[c].Length).Append(name.Length).Max()).ToArray();
        foreach (var line in table.Rows.Prepend(table.Columns))
        {
            output.WriteLine(string.Join("  ", line.Select((cell, c) => table.Right?.Contains(c) == true ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    public static string Markdown(ReportTable table)
    {
        var text = new StringBuilder();
        text.Append("#### ").Append(table.Title).Append("\n\n");
        text.Append("| ").Append(string.Join(" | ", table.Columns.Select(Cell))).Append(" |\n");
        text.Append('|').Append(string.Join('|', table.Columns.Select((_, c) => table.Right?.Contains(c) == true ? "---:" : "---"))).Append("|\n");
        foreach (var row in table.Rows)
        {
            text.Append("| ").Append(string.Join(" | ", row.Select((cell, c) => c == table.Status ? Emoji(cell) + " " + cell : Cell(cell)))).Append(" |\n");
        }

        return text.Append('\n').ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Emoji(string status) => status switch
    {
        "pass" => "✅",
        "fail" => "❌",
        _ => "➖",
    };

    private static Markup Coloured(string status) => new(status switch
    {
        "pass" => "[green]pass[/]",
        "fail" => "[red]fail[/]",
        _ => $"[grey]{Markup.Escape(status)}[/]",
    });
}
