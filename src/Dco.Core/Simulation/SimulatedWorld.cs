namespace Dco.Core.Simulation;

/// <summary>
/// The compiled ground truth of a <see cref="ScenarioDefinition"/>: the exact click probability of
/// every (phase, segment, weather, combination), the oracle's best eligible combination for each,
/// and the conversion probability of every combination. Phase 0 is before the shift in tastes,
/// phase 1 after it.
/// </summary>
public sealed class SimulatedWorld
{
    private readonly double[] _click; // [phase, segment, weather, combination]
    private readonly double[] _conversion; // [segment, combination]
    private readonly int[] _best; // [phase, segment, weather]
    private readonly double[] _segmentShares;
    private readonly double[] _weatherShares;

    public SimulatedWorld(ScenarioDefinition scenario)
    {
        Validate(scenario);
        Scenario = scenario;
        Segments = [.. scenario.Segments.Select(s => s.Name)];
        Weathers = [.. scenario.Weathers.Select(w => w.Name)];
        Slots = scenario.Slots;
        Combinations = Cartesian(scenario.Slots);
        EligibleCombinations = [.. Enumerable.Range(0, Combinations.Count).Where(c => !IsExcluded(scenario, Combinations[c]))];
        if (EligibleCombinations.Count == 0)
        {
            throw new ArgumentException($"Scenario '{scenario.Name}': the exclusions leave no eligible combination.", nameof(scenario));
        }

        DefaultCombination = Enumerable.Range(0, Combinations.Count).SingleOrDefault(
            c => scenario.Slots.Select((slot, i) => slot.Assets[Combinations[c][i]] == scenario.DefaultCreative.GetValueOrDefault(slot.Name)).All(x => x),
            -1);
        if (!EligibleCombinations.Contains(DefaultCombination))
        {
            throw new ArgumentException(
                $"Scenario '{scenario.Name}': the default creative must name one asset per slot ({string.Join(", ", scenario.Slots.Select(s => s.Name))}) and obey the exclusions.",
                nameof(scenario));
        }

        _segmentShares = Normalise(scenario.Segments.Select(s => s.Share));
        _weatherShares = Normalise(scenario.Weathers.Select(w => w.Share));
        int segments = Segments.Count, weathers = Weathers.Count, combinations = Combinations.Count;
        _click = new double[2 * segments * weathers * combinations];
        _best = new int[2 * segments * weathers];
        for (var phase = 0; phase < 2; phase++)
        {
            for (var s = 0; s < segments; s++)
            {
                for (var w = 0; w < weathers; w++)
                {
                    var best = -1;
                    for (var c = 0; c < combinations; c++)
                    {
                        var p = Logistic(ClickLogit(scenario, phase, s, w, Combinations[c]));
                        _click[ClickIndex(phase, s, w, c)] = p;
                        if (EligibleCombinations.Contains(c) && (best < 0 || p > _click[ClickIndex(phase, s, w, best)]))
                        {
                            best = c;
                        }
                    }

                    _best[(((phase * segments) + s) * weathers) + w] = best;
                }
            }
        }

        _conversion = new double[segments * combinations];
        var baseConversion = Logit(scenario.BaseConversionRate);
        for (var s = 0; s < segments; s++)
        {
            for (var c = 0; c < combinations; c++)
            {
                var logit = baseConversion + Sum(scenario, scenario.ConversionEffects, Segments[s], null, Combinations[c]);
                _conversion[(s * combinations) + c] = Logistic(logit);
            }
        }
    }

    public ScenarioDefinition Scenario { get; }

    public IReadOnlyList<string> Segments { get; }

    public IReadOnlyList<string> Weathers { get; }

    public IReadOnlyList<ScenarioSlot> Slots { get; }

    /// <summary>Every combination as one asset index per slot, in slot order.</summary>
    public IReadOnlyList<int[]> Combinations { get; }

    /// <summary>Combinations that no brand rule excludes.</summary>
    public IReadOnlyList<int> EligibleCombinations { get; }

    /// <summary>The scenario's default creative as a combination index.</summary>
    public int DefaultCombination { get; }

    /// <summary>True click probability.</summary>
    public double ClickProbability(int phase, int segment, int weather, int combination) =>
        _click[ClickIndex(phase, segment, weather, combination)];

    /// <summary>The eligible combination with the highest true click probability (what the oracle shows).</summary>
    public int BestCombination(int phase, int segment, int weather) =>
        _best[(((phase * Segments.Count) + segment) * Weathers.Count) + weather];

    /// <summary>True probability that a click on <paramref name="combination"/> by <paramref name="segment"/> converts.</summary>
    public double ConversionProbability(int segment, int combination) =>
        _conversion[(segment * Combinations.Count) + combination];

    public IReadOnlyList<double> SegmentShares => _segmentShares;

    public IReadOnlyList<double> WeatherShares => _weatherShares;

    /// <summary>Asset names of a combination, keyed by slot.</summary>
    public IReadOnlyDictionary<string, string> Describe(int combination)
    {
        var assets = Combinations[combination];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Slots.Count; i++)
        {
            result[Slots[i].Name] = Slots[i].Assets[assets[i]];
        }

        return result;
    }

    /// <summary>Traffic-weighted true CTR of the oracle in one phase, weather at its long-run shares.</summary>
    public double OracleClickRate(int phase) => Average(phase, (s, w) => BestCombination(phase, s, w));

    /// <summary>Traffic-weighted true CTR of always showing one combination in one phase.</summary>
    public double FixedClickRate(int phase, int combination) => Average(phase, (_, _) => combination);

    /// <summary>Traffic-weighted true CTR of picking uniformly among eligible combinations in one phase.</summary>
    public double UniformClickRate(int phase)
    {
        var total = 0.0;
        foreach (var c in EligibleCombinations)
        {
            total += FixedClickRate(phase, c);
        }

        return total / EligibleCombinations.Count;
    }

    /// <summary>The best single combination for all traffic in one phase (what a context-blind learner can hope for).</summary>
    public int BestFixedCombination(int phase) =>
        EligibleCombinations.MaxBy(c => FixedClickRate(phase, c));

    internal static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    private double Average(int phase, Func<int, int, int> choose)
    {
        var total = 0.0;
        for (var s = 0; s < Segments.Count; s++)
        {
            for (var w = 0; w < Weathers.Count; w++)
            {
                total += _segmentShares[s] * _weatherShares[w] * ClickProbability(phase, s, w, choose(s, w));
            }
        }

        return total;
    }

    private int ClickIndex(int phase, int segment, int weather, int combination) =>
        (((((phase * Segments.Count) + segment) * Weathers.Count) + weather) * Combinations.Count) + combination;

    private double ClickLogit(ScenarioDefinition scenario, int phase, int segment, int weather, int[] assets)
    {
        var logit = Logit(scenario.BaseClickRate) + scenario.Segments[segment].Logit;
        logit += Sum(scenario, scenario.ClickEffects, Segments[segment], Weathers[weather], assets);
        if (phase == 1)
        {
            logit += Sum(scenario, scenario.ShiftEffects, Segments[segment], Weathers[weather], assets);
        }

        foreach (var pair in scenario.PairEffects)
        {
            if (Shows(scenario, assets, pair.SlotA, pair.AssetA) && Shows(scenario, assets, pair.SlotB, pair.AssetB))
            {
                logit += pair.Logit;
            }
        }

        return logit;
    }

    private static double Sum(ScenarioDefinition scenario, IReadOnlyList<AssetEffect> effects, string segment, string? weather, int[] assets)
    {
        var sum = 0.0;
        foreach (var e in effects)
        {
            if ((e.Segment is null || e.Segment == segment)
                && (e.Weather is null || e.Weather == weather)
                && Shows(scenario, assets, e.Slot, e.Asset))
            {
                sum += e.Logit;
            }
        }

        return sum;
    }

    private static bool Shows(ScenarioDefinition scenario, int[] assets, string slot, string asset)
    {
        for (var i = 0; i < scenario.Slots.Count; i++)
        {
            if (scenario.Slots[i].Name == slot)
            {
                return scenario.Slots[i].Assets[assets[i]] == asset;
            }
        }

        return false;
    }

    private static bool IsExcluded(ScenarioDefinition scenario, int[] assets) =>
        scenario.Exclusions.Any(x => Shows(scenario, assets, x.SlotA, x.AssetA) && Shows(scenario, assets, x.SlotB, x.AssetB));

    private static List<int[]> Cartesian(IReadOnlyList<ScenarioSlot> slots)
    {
        var result = new List<int[]> { Array.Empty<int>() };
        foreach (var slot in slots)
        {
            result = [.. result.SelectMany(prefix => Enumerable.Range(0, slot.Assets.Count).Select(a => (int[])[.. prefix, a]))];
        }

        return result;
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double[] Normalise(IEnumerable<double> shares)
    {
        var array = shares.ToArray();
        var total = array.Sum();
        return [.. array.Select(s => s / total)];
    }

    private static void Validate(ScenarioDefinition scenario)
    {
        static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message, nameof(scenario));
            }
        }

        var name = scenario.Name;
        Check(scenario.Segments.Count > 0 && scenario.Segments.All(s => s.Share > 0), $"Scenario '{name}': segments need positive shares.");
        Check(scenario.Weathers.Count > 0 && scenario.Weathers.All(w => w.Share > 0), $"Scenario '{name}': weathers need positive shares.");
        Check(scenario.Slots.Count > 0 && scenario.Slots.All(s => s.Assets.Count > 0), $"Scenario '{name}': every slot needs at least one asset.");
        Check(scenario.BaseClickRate is > 0 and < 1, $"Scenario '{name}': base click rate {scenario.BaseClickRate} is not in (0, 1).");
        Check(scenario.BaseConversionRate is > 0 and < 1, $"Scenario '{name}': base conversion rate {scenario.BaseConversionRate} is not in (0, 1).");
        Check(scenario.ShiftAtFraction is >= 0 and <= 1, $"Scenario '{name}': shift fraction {scenario.ShiftAtFraction} is not in [0, 1].");
        Check(scenario.MeanWeatherSpellImpressions >= 1, $"Scenario '{name}': a weather spell lasts at least one impression.");
        Check(scenario.MeanConversionDelayImpressions >= 1, $"Scenario '{name}': the mean conversion delay is at least one impression.");

        var segments = scenario.Segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var weathers = scenario.Weathers.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        bool Known(string slot, string asset) => scenario.Slots.Any(s => s.Name == slot && s.Assets.Contains(asset));
        foreach (var e in scenario.ClickEffects.Concat(scenario.ShiftEffects).Concat(scenario.ConversionEffects))
        {
            Check(Known(e.Slot, e.Asset), $"Scenario '{name}': effect on unknown asset '{e.Slot}/{e.Asset}'.");
            Check(e.Segment is null || segments.Contains(e.Segment), $"Scenario '{name}': effect for unknown segment '{e.Segment}'.");
            Check(e.Weather is null || weathers.Contains(e.Weather), $"Scenario '{name}': effect for unknown weather '{e.Weather}'.");
        }

        foreach (var p in scenario.PairEffects.Concat(scenario.Exclusions))
        {
            Check(Known(p.SlotA, p.AssetA) && Known(p.SlotB, p.AssetB), $"Scenario '{name}': pair on unknown asset '{p.SlotA}/{p.AssetA}' or '{p.SlotB}/{p.AssetB}'.");
            Check(p.SlotA != p.SlotB, $"Scenario '{name}': a pair must span two slots, not '{p.SlotA}' twice.");
        }
    }
}
