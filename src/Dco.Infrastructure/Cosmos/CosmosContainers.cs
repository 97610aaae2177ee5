namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// One container of the <c>dco</c> database. <paramref name="DefaultTimeToLiveSeconds"/> follows
/// Cosmos DB: null turns TTL off (items never expire), -1 turns it on with no default (each item
/// sets its own <c>ttl</c>), a positive number is the default lifetime in seconds.
/// </summary>
public sealed record ContainerDefinition(string Name, string PartitionKeyPath, int? DefaultTimeToLiveSeconds = null)
{
    public bool TimeToLiveEnabled => DefaultTimeToLiveSeconds is not null;
}

/// <summary>The containers of the <c>dco</c> database and their partition keys (DESIGN.md, "Data").</summary>
public static class CosmosContainers
{
    /// <summary>TTL on, lifetime chosen per item (<c>ttl</c> on the document).</summary>
    public const int TimeToLivePerItem = -1;

    public static readonly ContainerDefinition Campaigns = new("campaigns", "/id");
    public static readonly ContainerDefinition Assets = new("assets", "/campaignId");
    public static readonly ContainerDefinition BrandKits = new("brandKits", "/id");
    public static readonly ContainerDefinition Decisions = new("decisions", "/campaignId", TimeToLivePerItem);
    public static readonly ContainerDefinition Events = new("events", "/campaignId", TimeToLivePerItem);
    public static readonly ContainerDefinition Stats = new("stats", "/campaignId");
    public static readonly ContainerDefinition Signals = new("signals", "/source");
    public static readonly ContainerDefinition Profiles = new("profiles", "/userKey", TimeToLivePerItem);

    public static IReadOnlyList<ContainerDefinition> All { get; } =
        [Campaigns, Assets, BrandKits, Decisions, Events, Stats, Signals, Profiles];
}
