using System.Text;
using Xunit.v3;

namespace BedrockNovaProxy.Tests.EndToEnd;

/// <summary>What every end-to-end test class shares: the hosting modes its theories run in, the test's cancellation
/// token, and JSON in and out of raw HTTP calls. Classes on the assembly's running systems take
/// <see cref="LocalSystems"/> in their constructor; the others start their own <see cref="LocalSystem"/>.</summary>
public abstract class EndToEndTest
{
    /// <summary>Every hosting mode: a theory over these runs once in each (<see cref="EveryHostingAttribute"/>).</summary>
    public static TheoryData<Hosting> Hostings => new(Enum.GetValues<Hosting>());

    /// <summary>The running test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A JSON request body.</summary>
    protected static StringContent JsonText(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A response's body, parsed as JSON.</summary>
    protected static async Task<JsonDocument> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}

/// <summary>[Theory, EveryHosting]: the theory runs once in each hosting mode, its one parameter the
/// <see cref="Hosting"/>.</summary>
public sealed class EveryHostingAttribute : MemberDataAttributeBase
{
    public EveryHostingAttribute() : base(nameof(EndToEndTest.Hostings), []) => MemberType = typeof(EndToEndTest);
}
