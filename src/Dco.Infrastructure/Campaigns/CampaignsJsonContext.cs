using System.Text.Json.Serialization;

namespace Dco.Infrastructure.Campaigns;

/// <summary>Source-generated JSON for brand kits (Cosmos DB and the management API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BrandKitDocument))]
[JsonSerializable(typeof(IReadOnlyList<BrandKitDocument>))]
public sealed partial class CampaignsJsonContext : JsonSerializerContext;
