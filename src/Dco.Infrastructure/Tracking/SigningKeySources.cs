using Azure.Security.KeyVault.Secrets;
using Dco.Core.Serving.Tracking;

namespace Dco.Infrastructure.Tracking;

/// <summary>Where a key ring comes from: app settings locally, Key Vault secret versions in Azure.</summary>
public interface ISigningKeySource
{
    /// <summary>What the keys are for and where they are read, for error messages.</summary>
    string Description { get; }

    Task<SigningKeyRing> LoadAsync(CancellationToken cancellationToken);
}

/// <summary>A key ring from settings: <c>SECTION__keys</c> = <c>id:base64[,id:base64…]</c> plus an optional active key id.</summary>
public sealed class SettingsSigningKeySource : ISigningKeySource
{
    private readonly Lazy<SigningKeyRing> ring;

    public SettingsSigningKeySource(string section, string? keys, string? activeKeyId)
    {
        Description = $"{section}__keys setting";
        // Built on first use: a host that never signs or verifies (a health check) starts without keys.
        ring = new Lazy<SigningKeyRing>(() => Build(section, ParseKeys(section, keys), activeKeyId));
    }

    public string Description { get; }

    public Task<SigningKeyRing> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(ring.Value);

    /// <summary>Splits <c>id:base64[,id:base64…]</c> into key id → base64 secret.</summary>
    public static IReadOnlyDictionary<string, string> ParseKeys(string section, string? keys)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !parsed.TryAdd(entry[..colon], entry[(colon + 1)..]))
            {
                throw new InvalidOperationException($"{section}__keys must be id:base64 pairs separated by commas, each id once.");
            }
        }

        return parsed;
    }

    /// <summary>Validates and builds the ring; every problem is named with its setting.</summary>
    public static SigningKeyRing Build(string section, IReadOnlyDictionary<string, string> keys, string? activeKeyId)
    {
        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"No signing key: set {section}__keys (id:base64, 32+ random bytes) locally or {section}__keyVaultUri in Azure.");
        }

        var parsed = new List<SigningKey>();
        foreach (var (id, value) in keys)
        {
            if (!SigningKeyRing.IsValidKeyId(id))
            {
                throw new InvalidOperationException($"{section}__keys: key id '{id}' must be 1-16 letters, digits, '_' or '-'.");
            }

            var secret = new byte[((value?.Length ?? 0) * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(value ?? "", secret, out var written) || written < SigningKey.MinimumSecretLength)
            {
                throw new InvalidOperationException($"{section}__keys: key '{id}' must be base64 of at least {SigningKey.MinimumSecretLength} random bytes.");
            }

            parsed.Add(new SigningKey(id, secret[..written]));
        }

        var active = string.IsNullOrEmpty(activeKeyId) ? (parsed.Count == 1 ? parsed[0].Id : null) : activeKeyId;
        if (active is null || !parsed.Exists(k => k.Id == active))
        {
            throw new InvalidOperationException($"{section}__activeKeyId must name one of the keys of {section}__keys (have: {string.Join(", ", parsed.Select(k => k.Id))}).");
        }

        return new SigningKeyRing(parsed, active);
    }
}

/// <summary>One version of the Key Vault secret as read: its version id, creation time and base64 value.</summary>
public sealed record KeyVaultSecretVersion(string Version, DateTimeOffset? CreatedOn, string Value);

/// <summary>
/// The enabled versions of one Key Vault secret as a key ring: the newest version signs, all enabled
/// versions verify, the key id is the first 16 characters of the version id (hex, so valid in tokens).
/// Disabling a version in Key Vault retires it at the next refresh.
/// </summary>
public sealed class KeyVaultSigningKeySource(SecretClient client, string secretName, TimeProvider time) : ISigningKeySource
{
    public string Description => $"Key Vault secret '{secretName}' at {client.VaultUri}";

    public async Task<SigningKeyRing> LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var versions = new List<KeyVaultSecretVersion>();
        await foreach (var properties in client.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken))
        {
            if (properties.Enabled != true || properties.ExpiresOn <= now || properties.NotBefore > now)
            {
                continue;
            }

            var secret = await client.GetSecretAsync(secretName, properties.Version, cancellationToken);
            versions.Add(new KeyVaultSecretVersion(properties.Version, properties.CreatedOn, secret.Value.Value));
        }

        return ToRing(secretName, versions);
    }

    public static SigningKeyRing ToRing(string secretName, IReadOnlyCollection<KeyVaultSecretVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            throw new InvalidOperationException($"Key Vault secret '{secretName}' has no enabled version: create one (32 random bytes, base64).");
        }

        var keys = versions.ToDictionary(v => KeyIdOf(v.Version), v => v.Value, StringComparer.Ordinal);
        var newest = versions.OrderByDescending(v => v.CreatedOn ?? DateTimeOffset.MinValue).ThenByDescending(v => v.Version, StringComparer.Ordinal).First();
        return SettingsSigningKeySource.Build($"Key Vault secret '{secretName}' version", keys, KeyIdOf(newest.Version));
    }

    public static string KeyIdOf(string version) =>
        version.Length <= SigningKey.MaximumIdLength ? version : version[..SigningKey.MaximumIdLength];
}

/// <summary>
/// The current key ring of one source, loaded on first use and refreshed in the background; readers get
/// a consistent ring without locks. A failed refresh keeps the previous ring (rotation is not urgent).
/// </summary>
public sealed class SigningKeyCache(ISigningKeySource source)
{
    private readonly Lock gate = new();
    private volatile SigningKeyRing? ring;

    public string Description => source.Description;

    public SigningKeyRing Current => ring ?? LoadFirst();

    public async Task RefreshAsync(CancellationToken cancellationToken) => ring = await source.LoadAsync(cancellationToken);

    private SigningKeyRing LoadFirst()
    {
        lock (gate)
        {
            // Once per process, before the first token is signed or verified.
            return ring ??= source.LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
