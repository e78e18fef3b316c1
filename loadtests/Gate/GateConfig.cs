using BedrockNovaProxy.Cli;
using BedrockNovaProxy.Customers;
using BedrockNovaProxy.LoadTests.Engine;

namespace BedrockNovaProxy.LoadTests.Gate;

/// <summary>The load gate of one customer environment: which scenario, at what load, within which thresholds.</summary>
public sealed record GateConfig(string Scenario, double Rate, TimeSpan Duration, GateThresholds Thresholds)
{
    public static readonly GateConfig Default = From(new GateSection());

    /// <summary>The <c>gate:</c> section of a customer file (customers/&lt;name&gt;/&lt;env&gt;.yaml), typed as gitops
    /// validates it; thresholds it leaves out keep the defaults of <see cref="GateThresholds"/> (docs/loadtests.md).</summary>
    /// <exception cref="FormatException">The duration is not one.</exception>
    public static GateConfig From(GateSection gate)
    {
        var t = gate.Thresholds;
        var defaults = new GateThresholds();
        return new GateConfig(gate.Scenario, gate.Rate, Durations.Parse(gate.Duration), new GateThresholds(
            t.P50Ms ?? defaults.P50Ms,
            t.P95Ms ?? defaults.P95Ms,
            t.P99Ms ?? defaults.P99Ms,
            t.TtftP95Ms ?? defaults.TtftP95Ms,
            t.MaxErrorRate ?? defaults.MaxErrorRate,
            t.MinThroughputRps ?? defaults.MinThroughputRps,
            t.MaxRegressionPercent));
    }
}
