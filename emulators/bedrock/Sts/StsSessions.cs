using System.Collections.Concurrent;
using System.Security.Cryptography;
using BedrockNovaProxy.Emulators.Bedrock.Auth;

namespace BedrockNovaProxy.Emulators.Bedrock.Sts;

/// <summary>One set of temporary credentials the emulated STS issued, and what it was issued for.</summary>
public sealed record StsSession(
    string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration,
    string RoleArn, string SessionName, string? ExternalId, string AssumedRoleArn, string CallerArn)
{
    public SigningIdentity Identity => new(AccessKeyId, SecretAccessKey, AssumedRoleArn, SessionToken, Expiration);

    /// <summary>Records print every member; this one must not print the secret or the token.</summary>
    public override string ToString() => $"StsSession {{ AccessKeyId = {AccessKeyId}, RoleArn = {RoleArn}, SessionName = {SessionName}, Expiration = {Expiration:O} }}";
}

/// <summary>The sessions the emulated STS has issued, in memory: what the SigV4 verifier looks access keys up in
/// (with the fixed local key), and what tests read to learn which credentials a client was given.</summary>
public sealed class StsSessions
{
    private readonly ConcurrentDictionary<string, StsSession> _byAccessKey = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StsSession> _issued = new();

    /// <summary>Every session issued so far, oldest first.</summary>
    public IReadOnlyList<StsSession> Issued => [.. _issued];

    /// <summary>The fixed local key, or the temporary credentials of an issued session (expired ones included: the
    /// verifier answers ExpiredToken for those, as AWS does, rather than "invalid").</summary>
    public SigningIdentity? Find(string accessKeyId) =>
        SigningIdentity.LocalOnly(accessKeyId) ?? (_byAccessKey.TryGetValue(accessKeyId, out var session) ? session.Identity : null);

    public StsSession Issue(StsGrant grant, DateTimeOffset now)
    {
        var session = new StsSession(
            "ASIA" + Random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            Random(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            "IQoJbG9jYWwtc3Rz" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(192)),
            // Whole seconds, as STS's Expiration is written.
            new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + grant.Duration,
            grant.RoleArn, grant.SessionName, grant.ExternalId, grant.AssumedRoleArn, grant.CallerArn);
        _byAccessKey[session.AccessKeyId] = session;
        _issued.Enqueue(session);
        return session;
    }

    private static string Random(int length, string alphabet) => RandomNumberGenerator.GetString(alphabet, length);
}
