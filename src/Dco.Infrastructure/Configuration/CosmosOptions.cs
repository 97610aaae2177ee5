using System.ComponentModel.DataAnnotations;

namespace Dco.Infrastructure.Configuration;

/// <summary>Cosmos DB for NoSQL connection, bound from the <c>COSMOS</c> section (<c>COSMOS__accountEndpoint</c>, …).</summary>
public sealed class CosmosOptions
{
    public const string SectionName = "COSMOS";

    [Required]
    public Uri? AccountEndpoint { get; set; }

    [Required]
    public string DatabaseName { get; set; } = "dco";

    /// <summary>Client id of the user-assigned managed identity; unset means DefaultAzureCredential's default.</summary>
    public string? ClientId { get; set; }

    /// <summary>Emulator key. Unset in Azure, where the managed identity is used.</summary>
    [LocalEmulatorOnly]
    public string? AccountKey { get; set; }

    /// <summary>Accept HTTP or a self-signed certificate, for a loopback endpoint only.</summary>
    [LocalEmulatorOnly]
    public bool AllowInsecureLoopback { get; set; }
}
