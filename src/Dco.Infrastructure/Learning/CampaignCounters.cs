using Dco.Core.Decisioning;
using Dco.Infrastructure.Tracking;

namespace Dco.Infrastructure.Learning;

/// <summary>Counts of learned (billable, distinct) events; conversion value is kept per currency.</summary>
public sealed record EventCountsDocument
{
    public long Impressions { get; init; }

    public long Clicks { get; init; }

    public long Conversions { get; init; }

    /// <summary>Conversion value by ISO 4217 currency (values in different currencies are never added up).</summary>
    public IReadOnlyDictionary<string, double> Value { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// The counters of one campaign, stored in its <see cref="Serving.ModelStateDocument"/> so that learner state and
/// counters change in one conditional write. <see cref="RecentEventIds"/> (short forms, bounded) makes a
/// redelivered queue message change nothing; the events store's create-if-absent stops repeats before that.
/// </summary>
public sealed record CampaignCountersDocument
{
    public EventCountsDocument Total { get; init; } = new();

    public IReadOnlyDictionary<string, EventCountsDocument> Assets { get; init; } = new Dictionary<string, EventCountsDocument>();

    /// <summary>By combination id (<see cref="Combinations.IdOf"/>).</summary>
    public IReadOnlyDictionary<string, EventCountsDocument> Combinations { get; init; } = new Dictionary<string, EventCountsDocument>();

    /// <summary>By the model segment the decision used (<c>all</c> when none).</summary>
    public IReadOnlyDictionary<string, EventCountsDocument> Segments { get; init; } = new Dictionary<string, EventCountsDocument>();

    /// <summary>Short forms of the most recent counted event ids, oldest first.</summary>
    public IReadOnlyList<string> RecentEventIds { get; init; } = [];
}

/// <summary>Mutable working copy of <see cref="CampaignCountersDocument"/> for one read-modify-write.</summary>
internal sealed class CampaignCounters
{
    /// <summary>How many counted event ids are remembered (about 23 bytes each in the document).</summary>
    public const int RecentCapacity = 20_000;

    public const string AllViewersSegment = "all";

    private readonly Counts total;
    private readonly Dictionary<string, Counts> assets;
    private readonly Dictionary<string, Counts> combinations;
    private readonly Dictionary<string, Counts> segments;
    private readonly HashSet<string> recent;
    private readonly Queue<string> recentOrder;

    public CampaignCounters(CampaignCountersDocument? document)
    {
        document ??= new CampaignCountersDocument();
        total = Counts.From(document.Total);
        assets = document.Assets.ToDictionary(p => p.Key, p => Counts.From(p.Value), StringComparer.Ordinal);
        combinations = document.Combinations.ToDictionary(p => p.Key, p => Counts.From(p.Value), StringComparer.Ordinal);
        segments = document.Segments.ToDictionary(p => p.Key, p => Counts.From(p.Value), StringComparer.Ordinal);
        recentOrder = new Queue<string>(document.RecentEventIds);
        recent = new HashSet<string>(document.RecentEventIds, StringComparer.Ordinal);
    }

    public bool HasCounted(string eventId) => recent.Contains(ShortId(eventId));

    public void Count(LearningEventMessage message, DecisionRecord decision)
    {
        Remember(ShortId(message.EventId));
        total.Add(message);
        foreach (var assetId in decision.AssetIds)
        {
            For(assets, assetId).Add(message);
        }

        For(combinations, Tracking.Combinations.IdOf(decision.AssetIds)).Add(message);
        For(segments, decision.ModelSegment ?? AllViewersSegment).Add(message);
    }

    public CampaignCountersDocument ToDocument() => new()
    {
        Total = total.ToDocument(),
        Assets = assets.ToDictionary(p => p.Key, p => p.Value.ToDocument(), StringComparer.Ordinal),
        Combinations = combinations.ToDictionary(p => p.Key, p => p.Value.ToDocument(), StringComparer.Ordinal),
        Segments = segments.ToDictionary(p => p.Key, p => p.Value.ToDocument(), StringComparer.Ordinal),
        RecentEventIds = [.. recentOrder],
    };

    /// <summary><c>imp_</c> plus 16 hex digits of the 64: 64 bits are plenty to tell 20 000 events apart.</summary>
    internal static string ShortId(string eventId)
    {
        var separator = eventId.IndexOf('_', StringComparison.Ordinal);
        return separator >= 0 && eventId.Length > separator + 17 ? eventId[..(separator + 17)] : eventId;
    }

    private void Remember(string shortId)
    {
        if (recent.Add(shortId))
        {
            recentOrder.Enqueue(shortId);
            while (recentOrder.Count > RecentCapacity)
            {
                recent.Remove(recentOrder.Dequeue());
            }
        }
    }

    private static Counts For(Dictionary<string, Counts> map, string key)
    {
        if (!map.TryGetValue(key, out var counts))
        {
            counts = new Counts();
            map[key] = counts;
        }

        return counts;
    }

    private sealed class Counts
    {
        public long Impressions;
        public long Clicks;
        public long Conversions;
        public Dictionary<string, double> Value = new(StringComparer.Ordinal);

        public static Counts From(EventCountsDocument d) => new()
        {
            Impressions = d.Impressions,
            Clicks = d.Clicks,
            Conversions = d.Conversions,
            Value = new Dictionary<string, double>(d.Value, StringComparer.Ordinal),
        };

        public void Add(LearningEventMessage message)
        {
            switch (message.Kind)
            {
                case FeedbackKind.Impression:
                    Impressions++;
                    break;
                case FeedbackKind.Click:
                    Clicks++;
                    break;
                case FeedbackKind.Conversion:
                    Conversions++;
                    var currency = message.Currency ?? "";
                    Value[currency] = Value.GetValueOrDefault(currency) + message.Value;
                    break;
            }
        }

        public EventCountsDocument ToDocument() => new()
        {
            Impressions = Impressions,
            Clicks = Clicks,
            Conversions = Conversions,
            Value = new Dictionary<string, double>(Value, StringComparer.Ordinal),
        };
    }
}
