using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Benchmarks.Serving;

/// <summary>
/// Writing a full page of demo decisions as the decision log sends it to Cosmos DB (128 decisions, each with
/// its viewer, assets, destinations and features): a cost decide pays per decision, off its request. Run:
/// <c>dotnet run -c Release --project bench/Dco.Benchmarks -- --filter '*DecisionPageBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class DecisionPageBenchmarks
{
    private readonly SystemTextJsonCosmosSerializer serializer = new([ServingJsonContext.Default]);
    private DecisionPageDocument page = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        var opened = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var pageId = Guid.CreateVersion7(opened).ToString("N");
        var slots = DemoCampaign.Campaign(opened).Definition.Slots;
        var decisions = Enumerable.Range(0, DecisionLogWriter.PageCapacity).Select(index =>
        {
            var id = DecisionIds.Format(pageId, index);
            var chosen = slots.Select(slot => slot.Assets[random.Next(slot.Assets.Count)]).ToList();
            var key = new byte[32];
            random.NextBytes(key);
            return new DecisionDocument
            {
                Id = id,
                CampaignId = DemoCampaign.CampaignId,
                UserKey = "k1." + Base64Url.EncodeToString(key),
                Destinations = chosen.Where(a => a.Attributes.ContainsKey("destinationUrl")).ToDictionary(a => a.Id, a => a.Attributes["destinationUrl"]),
                Record = new DecisionRecord
                {
                    DecisionId = id,
                    CampaignId = DemoCampaign.CampaignId,
                    CampaignVersion = "3",
                    PolicyName = "factorized-thompson",
                    PolicyVersion = "3.1289",
                    DecidedAt = opened.AddTicks(random.NextInt64(TimeSpan.TicksPerMillisecond * 250)),
                    Consent = ConsentLevel.Full,
                    AssetIds = [.. chosen.Select(a => a.Id)],
                    Propensity = random.NextDouble() / 5_000,
                    ModelSegment = random.Next(4) == 0 ? "returning" : null,
                    Features = [.. Enumerable.Range(0, 6).Select(_ => random.Next(64))],
                },
            };
        }).ToList();
        page = new DecisionPageDocument
        {
            Id = pageId,
            CampaignId = DemoCampaign.CampaignId,
            UserKeys = [.. decisions.Select(d => d.UserKey)],
            Decisions = decisions,
            TimeToLive = 90 * 24 * 3600,
        };
    }

    /// <summary>The page serialized into the pooled stream the Cosmos SDK sends; returns its length.</summary>
    [Benchmark]
    public long WriteDemoPage()
    {
        using var stream = serializer.ToStream(page);
        return stream.Length;
    }
}
