using BedrockNovaProxy.GitOps.Validation;
using CsCheck;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>Generated customer files: the valid one with lines dropped, repeated, re-indented, values replaced by
/// YAML's every kind of node and edge scalar, and characters inserted. <c>gitops validate</c> never crashes: it
/// accepts the file or reports findings, each with a position inside the file and a message.</summary>
public class ValidationFuzzTests
{
    private static readonly string[] Values =
    [
        "~", "null", "''", "\"\"", "true", "yes", "0", "-1", "0x1F", "0o17", "1e400", "-.inf", ".nan", "123456789012345678901234567890",
        "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: d}}}", "&a x", "*a", "*nowhere", "!!binary aGk=", "!!int x", "!Ref x",
        "\"\\ud800\"", "\"\\x00\"", "\"\\u0000\"", "|\n  block\n  text", ">-\n  folded", "\"a\\\"b\"", "'it''s'", new string('z', 3000),
        "? complex\n  : key", "<<: *a", "[" + new string('[', 200) + new string(']', 200) + "]", "{" + string.Concat(Enumerable.Repeat("a: ", 50)) + "}",
        "\t", "- list", "key: value: other", "\"unterminated", "'unterminated", "%YAML 1.2", "---", "...", "#", "@reserved", "`reserved",
    ];

    private static readonly string[] Inserts = ["\t", "\r", "\0", "\ufeff", "\u2028", "\ud800", ":", "- ", "  ", "#", "&", "*", "!", "|", ">", "{", "[", "\"", "'", "\n"];

    private static readonly Gen<(int Kind, int A, int B)[]> Edits = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 9999], Gen.Int[0, 9999]).Array[1, 5];

    private static readonly Validator Validator = Validator.ForRepository(Repo.Real.Root, Repo.Today);

    [Fact]
    public async Task Generated_customer_files_get_findings_with_positions_never_a_crash()
    {
        var outcomes = new Dictionary<string, int>();
        var cases = await GeneratedCases.Check(Edits, edits =>
        {
            var text = Mutate(edits);
            var result = Validator.Validate(ValidationTests.File, text);
            var lines = text.Split('\n').Length;
            foreach (var finding in result.Diagnostics)
            {
                Assert.False(string.IsNullOrWhiteSpace(finding.Message), finding.ToString());
                Assert.InRange(finding.Position.Line, 1, lines + 1);
                Assert.True(finding.Position.Column >= 1, finding.ToString());
            }

            var outcome = result.HasErrors ? result.Diagnostics.First(d => d.Severity == Severity.Error).Code : "valid";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }, seed: 20261206, cases: 1000, print: e => Mutate(e));

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("yaml") > cases / 20 && outcomes.GetValueOrDefault("schema") > cases / 20, string.Join(", ", outcomes));
    }

    /// <summary>Shrunk failures of the test above that a table row cannot carry (xUnit's data would replace a lone
    /// surrogate): each threw out of YamlDotNet's scanner.</summary>
    [Theory]
    [InlineData("  name: \"ac", "me\"", "The file is not valid Unicode here", 3, 12)]
    [InlineData("    timeout: {300\n    throttling:\n", "", "The YAML cannot be read after this point", 0, 0)]
    public void Text_yamldotnet_cannot_scan_is_a_finding_with_its_place(string before, string after, string message, int line, int column)
    {
        var text = before.StartsWith("  name", StringComparison.Ordinal)
            ? ValidationTests.Valid.Replace("  name: \"acme\"", before + (char)0xD800 + after, StringComparison.Ordinal)
            : ValidationTests.Valid.Replace("    timeout: 300\n", before, StringComparison.Ordinal);
        var finding = Assert.Single(Validator.Validate(ValidationTests.File, text).Diagnostics, d => d.Code == "yaml");
        Assert.StartsWith(message, finding.Message, StringComparison.Ordinal);
        Assert.True(line == 0 || (finding.Position.Line, finding.Position.Column) == (line, column), finding.ToString());
    }

    [Fact]
    public void Aliases_that_expand_to_a_flood_of_values_are_refused_where_they_start()
    {
        var laughs = string.Concat(Enumerable.Range(1, 6).Select(i => $"  l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"));
        var text = ValidationTests.Valid.Replace("customer:\n", "customer:\n  l0: &l0 x\n" + laughs, StringComparison.Ordinal);
        var finding = Assert.Single(Validator.Validate(ValidationTests.File, text).Diagnostics, d => d.Code == "yaml");
        Assert.StartsWith("The file expands to more than 10,000 values", finding.Message, StringComparison.Ordinal);
        Assert.True(finding.Position.Line is > 2 and < 10, finding.ToString());
    }

    private static string Mutate((int Kind, int A, int B)[] edits)
    {
        var lines = ValidationTests.Valid.Split('\n').ToList();
        foreach (var (kind, a, b) in edits)
        {
            var at = 1 + (a % (lines.Count - 1)); // line 1 stays the schema comment, so the rest is checked
            var line = lines[at];
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            switch (kind)
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, line); break;
                case 2: lines[at] = new string(' ', b % 7) + line.TrimStart(); break;
                case 3 when colon > 0: lines[at] = line[..(colon + 2)] + Values[b % Values.Length]; break;
                case 3: lines[at] = line + Values[b % Values.Length]; break;
                case 4: lines[at] = line.Insert(b % (line.Length + 1), Inserts[b % Inserts.Length]); break;
                default: lines.Insert(at, new string(' ', 2 * (b % 4)) + "extra_" + (b % 3) + ": " + Values[b % Values.Length]); break;
            }
        }

        return string.Join('\n', lines);
    }
}
