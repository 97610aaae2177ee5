using System.Text.Json.Serialization;

namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>A document shaped like the platform's events and stats: partitioned by campaign, with counters and an optional lifetime.</summary>
public sealed record TestEvent(string Id, string CampaignId, string Kind, long Count = 0, string? ViewerKey = null, string? Note = null)
{
    /// <summary>Seconds to live; Cosmos DB reads the property named <c>ttl</c>.</summary>
    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>A document of a container partitioned by its own id, like campaigns and brand kits.</summary>
public sealed record TestCampaign(string Id, string Name, string[] Tags);

[JsonSerializable(typeof(TestEvent))]
[JsonSerializable(typeof(TestCampaign))]
public sealed partial class TestDocumentsJsonContext : JsonSerializerContext;

/// <summary>Small builders so each test states only what it is about.</summary>
public static class TestData
{
    public static string NewId(string prefix = "item") => $"{prefix}-{Guid.NewGuid():N}";

    public static TestEvent AnEvent(string? campaignId = null, string? id = null, string kind = "impression") =>
        new(id ?? NewId("evt"), campaignId ?? NewId("cmp"), kind);
}
