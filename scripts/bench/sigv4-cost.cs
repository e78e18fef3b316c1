#:project ../../tests/Support/TestSupport.csproj
#:property PublishAot=false
// What a SigV4 signature costs, measured: the proxy's own signer (common/Aws/SigV4Signer.cs) against AWSSDK.Core's
// AWS4Signer, which the proxy used before, on the request the proxy sends most (a Converse call with a 1 KB body and a
// session token), each signature at a new time within one day, as requests come. Prints the median of 7 rounds per
// signer: microseconds and bytes allocated per signature. The two are checked to agree before anything is timed.
// Not a test (timings are the machine's, not the code's): run it by hand, on a quiet machine, from the repository:
//   dotnet run -c Release scripts/bench/sigv4-cost.cs -- [signatures per round]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.Tests.Support;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var endpoint = new Uri("https://bedrock-runtime.us-east-1.amazonaws.com");
var credentials = new ImmutableCredentials("ASIAEXAMPLEEXAMPLE01", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-" + new string('x', 300));
var body = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + new string('a', 960) + "\"}]}]}");
const string Path = "/model/{modelId}/converse";
const string Model = "amazon.nova-lite-v1:0";
var start = new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);
var ours = new SigV4Signer(endpoint, "us-east-1");

string Ours(int i) => ours.Sign(Path, Model, body, "application/json", credentials, start.AddMilliseconds(i)).Headers["Authorization"];

string Sdk(int i) => AwsSdkSigning.Sign(endpoint, "us-east-1", "bedrock", Path, Model, body, "application/json", credentials, start.AddMilliseconds(i)).Headers["Authorization"];

for (var i = 0; i < 1000; i += 333)
{
    if (Ours(i) != Sdk(i))
    {
        throw new InvalidOperationException($"the signers disagree at +{i} ms:\n{Ours(i)}\n{Sdk(i)}");
    }
}

(double Micros, double Bytes) Round(Func<int, string> sign)
{
    var bytes = GC.GetAllocatedBytesForCurrentThread();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        sign(i);
    }

    return (clock.Elapsed.TotalMicroseconds / count, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)count);
}

foreach (var (name, sign) in new (string, Func<int, string>)[] { ("SigV4Signer (the proxy's)", Ours), ("AWSSDK.Core AWS4Signer", Sdk) })
{
    Round(sign); // warm-up: tiered compilation
    var rounds = Enumerable.Range(0, 7).Select(_ => Round(sign)).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} {rounds.Select(r => r.Micros).Order().ElementAt(3),7:F2} µs  {rounds.Select(r => r.Bytes).Order().ElementAt(3),8:F0} B per signature"));
}
