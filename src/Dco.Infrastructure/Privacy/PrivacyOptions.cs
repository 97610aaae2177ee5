using System.ComponentModel.DataAnnotations;
using Dco.Infrastructure.Configuration;

namespace Dco.Infrastructure.Privacy;

/// <summary>
/// The viewer-pseudonymization key, bound from the <c>PRIVACY</c> section. In Azure: the enabled versions of
/// the Key Vault secret <see cref="PseudonymizationKeySecretName"/> in the same vault as the tracking key
/// (newest pseudonymizes, older ones are still looked up by delete); locally <c>PRIVACY__keys</c> (<c>id:base64</c> pairs).
/// </summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "PRIVACY";

    /// <summary>Key Vault holding the pseudonymization secret; set in Azure, unset locally.</summary>
    public Uri? KeyVaultUri { get; set; }

    [Required]
    public string PseudonymizationKeySecretName { get; set; } = "viewer-pseudonymization-key";

    /// <summary>Local key ring, <c>id:base64[,id:base64…]</c> (each secret 32+ random bytes). Never set in Azure.</summary>
    [LocalEmulatorOnly]
    public string? Keys { get; set; }

    /// <summary>Local only: which of <see cref="Keys"/> pseudonymizes (optional when there is one key).</summary>
    [LocalEmulatorOnly]
    public string? ActiveKeyId { get; set; }
}
