using System.ComponentModel.DataAnnotations;
using Dco.Infrastructure.Configuration;

namespace Dco.Infrastructure.Tracking;

/// <summary>
/// Tracking-token signing keys and lifetimes, bound from the <c>TRACKING</c> section. In Azure the keys are
/// the enabled versions of the Key Vault secret <see cref="SigningKeySecretName"/> (newest signs, all verify);
/// locally they come from <c>TRACKING__keys</c> (<c>id:base64</c> pairs, 32+ bytes each) and <see cref="ActiveKeyId"/>.
/// </summary>
public sealed class TrackingOptions
{
    public const string SectionName = "TRACKING";

    /// <summary>Key Vault holding the signing-key secret; set in Azure, unset locally.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>Name of the secret whose enabled versions are the signing keys.</summary>
    [Required]
    public string SigningKeySecretName { get; set; } = "tracking-signing-key";

    /// <summary>How long impression and click URLs stay valid after the decision.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long tracking events are kept (Cosmos TTL). At least <c>SERVING__decisionRetention</c>
    /// (<see cref="EventRetentionRules"/>): while a decision can still be learned from, its events' ids must
    /// still be stored, or a repeat of an expired event would be counted a second time.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the Key Vault versions are re-read (a new version signs from the next refresh on).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Local key ring, <c>id:base64[,id:base64…]</c> (each secret 32+ random bytes). Never set in Azure.</summary>
    [LocalEmulatorOnly]
    public string? Keys { get; set; }

    /// <summary>Local only: which of <see cref="Keys"/> signs new tokens (optional when there is one key).</summary>
    [LocalEmulatorOnly]
    public string? ActiveKeyId { get; set; }
}
