using BedrockNovaProxy.Customers;

namespace BedrockNovaProxy.GitOps.Validation;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>One finding in one file: where, how bad, which rule, what is wrong and how to fix it.</summary>
/// <param name="Code">The rule's stable name (docs/gitops.md lists them).</param>
public sealed record Diagnostic(string File, Position Position, Severity Severity, string Code, string Message, string? Hint = null)
{
    public override string ToString() =>
        $"{File}:{Position}: {(Severity == Severity.Error ? "error" : "warning")} [{Code}] {Message}" + (Hint is null ? "" : $" (fix: {Hint})");
}
