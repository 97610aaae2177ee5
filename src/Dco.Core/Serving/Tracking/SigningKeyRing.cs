using System.Collections.Frozen;

namespace Dco.Core.Serving.Tracking;

/// <summary>One HMAC key: an id that travels with every token and the secret bytes.</summary>
/// <remarks><paramref name="RetiredAt"/> set means the key only verifies tokens until then; null means never retired.</remarks>
public sealed record SigningKey(string Id, byte[] Secret, DateTimeOffset? RetiredAt = null)
{
    /// <summary>Shortest secret accepted: the HMAC-SHA256 block security level.</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>Longest key id: it is written into every token, so it stays short.</summary>
    public const int MaximumIdLength = 16;

    internal bool IsRetiredAt(DateTimeOffset now) => RetiredAt is { } retired && now >= retired;
}

/// <summary>
/// Keys by id, one of them active for signing. The others keep verifying live tokens until they
/// are retired, which is what lets keys rotate without breaking tokens already in the wild.
/// </summary>
public sealed class SigningKeyRing
{
    private readonly FrozenDictionary<string, SigningKey> keys;

    public SigningKeyRing(IEnumerable<SigningKey> keys, string activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrEmpty(activeKeyId);
        var byId = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            Validate(key);
            if (!byId.TryAdd(key.Id, key with { Secret = (byte[])key.Secret.Clone() }))
            {
                throw new ArgumentException($"Key id '{key.Id}' appears twice in the key ring.", nameof(keys));
            }
        }

        if (!byId.TryGetValue(activeKeyId, out var active))
        {
            throw new ArgumentException($"The active key id '{activeKeyId}' is not in the key ring.", nameof(activeKeyId));
        }

        if (active.RetiredAt is not null)
        {
            throw new ArgumentException($"The active key '{activeKeyId}' cannot have a retirement time.", nameof(activeKeyId));
        }

        this.keys = byId.ToFrozenDictionary(StringComparer.Ordinal);
        Active = this.keys[activeKeyId];
    }

    /// <summary>The key new tokens are signed with.</summary>
    public SigningKey Active { get; }

    /// <summary>Every key id the ring knows, retired or not.</summary>
    public IEnumerable<string> KeyIds => keys.Keys;

    public bool TryGetKey(string keyId, out SigningKey key)
    {
        if (keys.TryGetValue(keyId, out var found))
        {
            key = found;
            return true;
        }

        key = null!;
        return false;
    }

    /// <summary>True when <paramref name="id"/> is 1–16 characters of [A-Za-z0-9_-] (safe in tokens and user keys).</summary>
    public static bool IsValidKeyId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > SigningKey.MaximumIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Validate(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValidKeyId(key.Id))
        {
            throw new ArgumentException(
                $"Key id '{key.Id}' must be 1-{SigningKey.MaximumIdLength} characters of letters, digits, '_' or '-'.", nameof(key));
        }

        if (key.Secret is null || key.Secret.Length < SigningKey.MinimumSecretLength)
        {
            throw new ArgumentException(
                $"Key '{key.Id}' needs a secret of at least {SigningKey.MinimumSecretLength} bytes.", nameof(key));
        }
    }
}
