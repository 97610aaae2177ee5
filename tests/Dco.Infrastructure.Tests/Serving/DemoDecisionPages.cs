using System.Buffers.Text;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>Demo decision pages for the page-format tests, and for DecisionPageBenchmarks, which compiles this file too.</summary>
internal static class DemoDecisionPages
{
    /// <summary>
    /// A full page as decide writes it for the demo campaign in the load test (one campaign and policy
    /// version, UTC times within the page's 250 ms, a new viewer with full consent for each decision): a
    /// uniformly random asset per demo slot with its destination, six features, a sampled propensity.
    /// Uniform choice is the most distinct assets a page can have: the worst case for the asset table.
    /// </summary>
    public static DecisionPageDocument Page(int seed)
    {
        var random = new Random(seed);
        var opened = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var pageId = Guid.CreateVersion7(opened).ToString("N");
        var slots = DemoCampaign.Campaign(opened).Definition.Slots;
        var decisions = Enumerable.Range(0, DecisionLogWriter.PageCapacity).Select(index =>
        {
            var id = DecisionIds.Format(pageId, index);
            var chosen = slots.Select(slot => slot.Assets[random.Next(slot.Assets.Count)]).ToList();
            var mac = new byte[32];
            random.NextBytes(mac);
            return new DecisionDocument
            {
                Id = id,
                CampaignId = DemoCampaign.CampaignId,
                UserKey = "k1." + Base64Url.EncodeToString(mac), // as ViewerPseudonymizer makes them
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

        return new DecisionPageDocument
        {
            Id = pageId,
            CampaignId = DemoCampaign.CampaignId,
            UserKeys = [.. decisions.Select(d => d.UserKey)],
            Decisions = decisions,
            TimeToLive = 86_400 * 90,
        };
    }
}
