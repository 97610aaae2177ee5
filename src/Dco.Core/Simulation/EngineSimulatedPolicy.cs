using System.Globalization;
using Dco.Core.Decisioning;
using Dco.Core.Evaluation;

namespace Dco.Core.Simulation;

/// <summary>
/// Runs the real decision engine inside the simulator, the way the serving path does: a
/// <see cref="CampaignSnapshot"/> decides every impression from segment, time and the live
/// weather signal; a <see cref="CampaignLearner"/> hears impressions, clicks and (late)
/// conversions; every <c>refreshEvery</c> impressions the learner publishes a new model and the
/// snapshot is swapped, as the background refresh does in production.
/// </summary>
public sealed class EngineSimulatedPolicy : ISimulatedPolicy
{
    /// <summary>Name of the live weather signal (value = index of the weather in the scenario).</summary>
    public const string WeatherSignal = "weather";

    /// <summary>Geo of every simulated viewer (the key of the weather signal).</summary>
    public const string Geo = "sim";

    private readonly SimulatedWorld _world;
    private readonly CampaignLearner _learner;
    private readonly DecisionRandom _random;
    private readonly Dictionary<string, int> _combinationByAssets = new(StringComparer.Ordinal);
    private readonly string[][] _segments;
    private readonly LiveSignals[] _signals;
    private readonly Dictionary<int, DecisionRecord> _awaitingConversion = [];
    private readonly List<DecisionLogRecord>? _log;
    private readonly Dictionary<int, int> _logLineByImpression = [];
    private readonly int _refreshEvery;
    private readonly ulong _seed;
    private CampaignSnapshot _snapshot;
    private DecisionRecord? _current;
    private int _sinceRefresh;

    /// <param name="name">Policy name in reports.</param>
    /// <param name="world">The simulated world.</param>
    /// <param name="policy">The engine's policy settings.</param>
    /// <param name="seed">Seeds the engine's randomness and its Monte Carlo model builds.</param>
    /// <param name="refreshEvery">Impressions between model refreshes.</param>
    /// <param name="keepDecisionLog">Keep every decision as a <see cref="DecisionLogRecord"/> with its outcome (for off-policy evaluation).</param>
    public EngineSimulatedPolicy(string name, SimulatedWorld world, PolicySettings policy, int seed, int refreshEvery = 500, bool keepDecisionLog = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshEvery, 1);
        Name = name;
        _world = world;
        _seed = (ulong)seed;
        _refreshEvery = refreshEvery;
        Campaign = CampaignFor(world, policy);
        _learner = new CampaignLearner(Campaign);
        _snapshot = CampaignSnapshot.Create(Campaign, seed: _seed);
        _random = new DecisionRandom(_seed);
        for (var c = 0; c < world.Combinations.Count; c++)
        {
            _combinationByAssets[string.Join('|', AssetIds(world, c))] = c;
        }

        _log = keepDecisionLog ? [] : null;
        _segments = [.. world.Segments.Select(s => new[] { s })];
        _signals = [.. Enumerable.Range(0, world.Weathers.Count).Select(w => new LiveSignals([new SignalValue(WeatherSignal, Geo, w)]))];
    }

    public string Name { get; }

    /// <summary>The campaign the engine runs: the scenario's slots, assets, brand rule and default creative.</summary>
    public CampaignDefinition Campaign { get; }

    /// <summary>
    /// Every decision so far with its outcome, when built with <c>keepDecisionLog</c>; conversions
    /// still in flight when the run ends are logged as not converted (their window is still open).
    /// </summary>
    public IReadOnlyList<DecisionLogRecord> DecisionLog =>
        _log ?? throw new InvalidOperationException($"Policy '{Name}' was built without keepDecisionLog.");

    /// <summary>Snapshot currently deciding (its model is the last one published).</summary>
    public CampaignSnapshot Snapshot => _snapshot;

    /// <summary>
    /// The scenario as a campaign: asset ids are <c>slot.asset</c>, exclusions become never-together
    /// constraints, the default creative is the scenario's.
    /// </summary>
    public static CampaignDefinition CampaignFor(SimulatedWorld world, PolicySettings policy) => new()
    {
        Id = "sim-" + world.Scenario.Name,
        Version = "1",
        Slots =
        [
            .. world.Slots.Select(slot => new SlotDefinition
            {
                Name = slot.Name,
                Assets = [.. slot.Assets.Select(a => new AssetDefinition { Id = AssetId(slot.Name, a), Content = a })],
            }),
        ],
        DefaultCreative = world.Slots.ToDictionary(s => s.Name, s => AssetId(s.Name, world.Scenario.DefaultCreative[s.Name])),
        Constraints =
        [
            .. world.Scenario.Exclusions.Select((x, i) => new CompatibilityConstraint
            {
                Id = $"exclusion-{i}",
                Kind = ConstraintKind.NeverTogether,
                First = new AssetSelector { Slot = x.SlotA, AssetIds = [AssetId(x.SlotA, x.AssetA)] },
                Second = new AssetSelector { Slot = x.SlotB, AssetIds = [AssetId(x.SlotB, x.AssetB)] },
            }),
        ],
        Policy = policy,
    };

    /// <summary>Signal feature that turns the weather signal into one bucket per weather, for the contextual policy.</summary>
    public static SignalFeature WeatherFeature(SimulatedWorld world) => new()
    {
        Signal = $"{WeatherSignal}@{{geo}}",
        Thresholds = [.. Enumerable.Range(1, world.Weathers.Count - 1).Select(w => w - 0.5)],
    };

    public static string AssetId(string slot, string asset) => $"{slot}.{asset}";

    public int Choose(in SimulatedImpression impression)
    {
        var request = new DecisionRequest
        {
            DecisionId = $"{Name}-{impression.Index}",
            ViewerKey = $"viewer-{impression.Index}",
            Consent = ConsentLevel.Full,
            Time = impression.Time,
            Segments = _segments[impression.Segment],
            Context = new RequestContext { Geo = Geo },
            Signals = _signals[impression.Weather],
        };
        var decision = _snapshot.Decide(request, _random);
        if (decision.IsDefault)
        {
            throw new InvalidOperationException(
                $"Policy '{Name}' served the default creative at impression {impression.Index} ({decision.DefaultReason}); the simulated campaign should always be eligible.");
        }

        _current = decision.Record;
        return _combinationByAssets[string.Join('|', decision.AssetIds)];
    }

    public void RecordImpression(in SimulatedImpression impression, int combination, bool clicked)
    {
        var record = _current ?? throw new InvalidOperationException("RecordImpression without a preceding Choose.");
        _current = null;
        _learner.Apply(record, new FeedbackEvent(record.DecisionId + ":i", record.DecisionId, FeedbackKind.Impression, impression.Time));
        if (clicked)
        {
            _learner.Apply(record, new FeedbackEvent(record.DecisionId + ":c", record.DecisionId, FeedbackKind.Click, impression.Time));
            _awaitingConversion[impression.Index] = record;
        }

        if (_log is not null)
        {
            // Exactly what the request carried, in EngineTargetPolicy's vocabulary, so the log can rebuild it.
            var context = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["segment"] = _world.Segments[impression.Segment],
                ["geo"] = Geo,
                [$"signal.{WeatherSignal}@{Geo}"] = impression.Weather.ToString(CultureInfo.InvariantCulture),
            };
            _logLineByImpression[impression.Index] = _log.Count;
            _log.Add(DecisionLogRecord.From(record, _snapshot.SlotNames, context, new DecisionOutcome(clicked, Converted: false, Value: 0)));
        }

        if (++_sinceRefresh >= _refreshEvery)
        {
            _sinceRefresh = 0;
            _snapshot = _snapshot.WithModel(_learner.BuildModel(impression.Time, _seed + (ulong)impression.Index));
        }
    }

    public void RecordConversion(in SimulatedImpression impression, int combination, DateTimeOffset now)
    {
        if (!_awaitingConversion.Remove(impression.Index, out var record))
        {
            throw new InvalidOperationException($"Policy '{Name}': a conversion for impression {impression.Index}, which was never clicked.");
        }

        _learner.Apply(record, new FeedbackEvent(record.DecisionId + ":v", record.DecisionId, FeedbackKind.Conversion, now, Value: 1));
        if (_log is not null && _logLineByImpression.TryGetValue(impression.Index, out var line))
        {
            _log[line] = _log[line] with { Outcome = new DecisionOutcome(Clicked: true, Converted: true, Value: 1) };
        }
    }

    private static IEnumerable<string> AssetIds(SimulatedWorld world, int combination) =>
        world.Combinations[combination].Select((asset, slot) => AssetId(world.Slots[slot].Name, world.Slots[slot].Assets[asset]));
}
