using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Campaigns;

/// <summary>The typed stores of campaigns and brand kits (both partitioned by their own id).</summary>
public sealed class CampaignStores(CosmosStores stores)
{
    public CosmosDocumentStore<CampaignDocument> Campaigns { get; } = stores.For<CampaignDocument>(CosmosContainers.Campaigns, c => c.Id, c => c.Id);

    public CosmosDocumentStore<BrandKitDocument> BrandKits { get; } = stores.For<BrandKitDocument>(CosmosContainers.BrandKits, b => b.Id, b => b.Id);
}

/// <summary>Values of <see cref="CampaignDocument.Status"/>.</summary>
public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Archived = "archived";

    public static IReadOnlyList<string> All { get; } = [Draft, Active, Paused, Archived];
}
