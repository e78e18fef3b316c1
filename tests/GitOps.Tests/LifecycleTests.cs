using BedrockNovaProxy.Catalog;
using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>What validation says of a mapped model by its lifecycle: the catalog's own dates (Nova Premier) and
/// made-up models for the dates the catalog has none of.</summary>
public class LifecycleTests
{
    private static readonly ModelSpec Premier = ModelCatalog.Find("amazon.nova-premier-v1:0")!;
    private static readonly ModelSpec Lite2 = ModelCatalog.Find("amazon.nova-2-lite-v1:0")!;

    // An active model with an announced legacy date (2027-03-01) and end of life (2027-09-01).
    private static readonly ModelSpec Planned = Lite2 with { DisplayName = "Planned", LegacyOn = new(2027, 3, 1), EndOfLife = new(2027, 9, 1) };

    public static TheoryData<string, string, string?, string?> Cases => new()
    {
        // model, today, rule (null: nothing to say), message
        { "premier", "2026-01-10", "model-legacy", "Amazon Nova Premier is a legacy model in Amazon Bedrock; its end of life is 2026-09-14" },
        { "premier", "2026-06-16", "model-end-of-life", "Amazon Nova Premier reaches its end of life on 2026-09-14" },
        { "premier", "2026-09-13", "model-end-of-life", "Amazon Nova Premier reaches its end of life on 2026-09-14" },
        { "premier", "2026-09-14", "model-end-of-life", "Amazon Nova Premier reached its end of life on 2026-09-14" },
        { "lite2", "2026-12-01", null, null },
        { "planned", "2026-11-30", null, null },
        { "planned", "2026-12-01", "model-legacy", "Planned becomes a legacy model on 2027-03-01; its end of life is 2027-09-01" },
        { "planned", "2027-03-01", "model-legacy", "Planned is a legacy model in Amazon Bedrock; its end of life is 2027-09-01" },
        { "planned", "2027-06-03", "model-end-of-life", "Planned reaches its end of life on 2027-09-01" },
        { "planned", "2027-09-01", "model-end-of-life", "Planned reached its end of life on 2027-09-01" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Warns_ahead_of_legacy_and_end_of_life_dates(string model, string today, string? rule, string? message)
    {
        var spec = model switch { "premier" => Premier, "lite2" => Lite2, _ => Planned };
        var finding = Rules.Lifecycle(spec, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(rule, finding?.Code);
        Assert.Equal(message, finding?.Message);
        if (finding is { } f)
        {
            Assert.Equal(f.Message.Contains("reached", StringComparison.Ordinal) ? Severity.Error : Severity.Warning, f.Severity);
        }
    }

    [Theory]
    [InlineData("amazon.nova-premier-v1:0", "2026-09-01", ModelStatus.Legacy)]
    [InlineData("amazon.nova-premier-v1:0", "2026-09-14", ModelStatus.EndOfLife)]
    [InlineData("amazon.nova-2-lite-v1:0", "2026-12-01", ModelStatus.Active)]
    [InlineData("amazon.nova-pro-v1:0", "2026-12-01", ModelStatus.Active)]
    public void The_catalog_knows_each_models_status(string id, string today, ModelStatus status) =>
        Assert.Equal(status, ModelCatalog.Find(id)!.StatusOn(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
}
