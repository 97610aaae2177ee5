using System.Collections.Frozen;
using System.Globalization;

namespace Dco.Core.Decisioning.Engine;

/// <summary>What a condition sees of one request (consent already applied: segments are empty unless consent is full).</summary>
internal sealed class RequestState
{
    public DecisionRequest Request = null!;
    public IReadOnlyList<string> Segments = [];
    public double LocalHour;
    public DayOfWeek DayOfWeek;
    public TimeOnly LocalTime;

    public void Reset(DecisionRequest request)
    {
        Request = request;
        Segments = request.Consent == ConsentLevel.Full ? request.Segments : [];
        var local = request.Time.DateTime;
        LocalTime = TimeOnly.FromDateTime(local);
        LocalHour = local.TimeOfDay.TotalHours;
        DayOfWeek = local.DayOfWeek;
    }
}

internal enum FeatureKind
{
    Placement,
    Device,
    Geo,
    PageCategory,
    DayOfWeek,
    LocalHour,
    Attribute,
    Segments,
    Signal,
}

internal enum SignalKeyKind
{
    Literal,
    Geo,
    AssetAttribute,
}

/// <summary>A parsed feature path; signal values keyed by a literal or by asset attributes are cached per <see cref="LiveSignals"/> instance.</summary>
internal sealed class FeatureRef
{
    private SignalBinding? _binding;

    private FeatureRef(string path, FeatureKind kind, string name, SignalKeyKind keyKind, string keyText, string?[]? assetKeys)
    {
        Path = path;
        Kind = kind;
        Name = name;
        KeyKind = keyKind;
        KeyText = keyText;
        AssetKeys = assetKeys;
    }

    public string Path { get; }

    public FeatureKind Kind { get; }

    public string Name { get; }

    public SignalKeyKind KeyKind { get; }

    public string KeyText { get; }

    /// <summary>For asset-keyed signals: the key per global asset index (null when the asset lacks the attribute).</summary>
    public string?[]? AssetKeys { get; }

    public bool PerAsset => Kind == FeatureKind.Signal && KeyKind == SignalKeyKind.AssetAttribute;

    /// <summary>The value depends on the live signals only (not on the request): results can be cached per <see cref="LiveSignals"/> instance.</summary>
    public bool SignalsOnly => Kind == FeatureKind.Signal && KeyKind != SignalKeyKind.Geo;

    public bool IsNumeric => Kind is FeatureKind.Signal or FeatureKind.LocalHour;

    public static FeatureRef Parse(string path, IReadOnlyList<AssetDefinition> assets, string where)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CampaignDefinitionException($"{where}: a condition needs a feature.");
        }

        if (path.StartsWith("signal.", StringComparison.Ordinal))
        {
            var body = path["signal.".Length..];
            var at = body.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || at == body.Length - 1)
            {
                throw new CampaignDefinitionException(
                    $"{where}: signal feature '{path}' must read signal.NAME@KEY (KEY: a literal, {{geo}} or {{asset.ATTRIBUTE}}).");
            }

            var name = body[..at];
            var key = body[(at + 1)..];
            if (key == "{geo}")
            {
                return new FeatureRef(path, FeatureKind.Signal, name, SignalKeyKind.Geo, key, null);
            }

            if (key.StartsWith("{asset.", StringComparison.Ordinal) && key.EndsWith('}'))
            {
                var attribute = key["{asset.".Length..^1];
                if (attribute.Length == 0)
                {
                    throw new CampaignDefinitionException($"{where}: signal feature '{path}' names no asset attribute.");
                }

                var keys = new string?[assets.Count];
                for (var i = 0; i < assets.Count; i++)
                {
                    keys[i] = assets[i].Attributes.TryGetValue(attribute, out var v) ? v : null;
                }

                return new FeatureRef(path, FeatureKind.Signal, name, SignalKeyKind.AssetAttribute, attribute, keys);
            }

            if (key.StartsWith('{'))
            {
                throw new CampaignDefinitionException($"{where}: unknown signal key '{key}' in '{path}' (use {{geo}} or {{asset.ATTRIBUTE}}).");
            }

            return new FeatureRef(path, FeatureKind.Signal, name, SignalKeyKind.Literal, key, null);
        }

        const string attributePrefix = "context.attributes.";
        if (path.StartsWith(attributePrefix, StringComparison.Ordinal) && path.Length > attributePrefix.Length)
        {
            return new FeatureRef(path, FeatureKind.Attribute, path[attributePrefix.Length..], SignalKeyKind.Literal, "", null);
        }

        var kind = path switch
        {
            "context.placement" => FeatureKind.Placement,
            "context.device" => FeatureKind.Device,
            "context.geo" => FeatureKind.Geo,
            "context.pageCategory" => FeatureKind.PageCategory,
            "context.dayOfWeek" => FeatureKind.DayOfWeek,
            "context.localHour" => FeatureKind.LocalHour,
            "profile.segments" => FeatureKind.Segments,
            _ => throw new CampaignDefinitionException(
                $"{where}: unknown feature '{path}'. Known: context.placement, context.device, context.geo, context.pageCategory, " +
                "context.dayOfWeek, context.localHour, context.attributes.NAME, profile.segments, signal.NAME@KEY."),
        };
        return new FeatureRef(path, kind, "", SignalKeyKind.Literal, "", null);
    }

    public bool TryGetText(RequestState state, int asset, out string text)
    {
        var context = state.Request.Context;
        string? value = Kind switch
        {
            FeatureKind.Placement => context.Placement,
            FeatureKind.Device => context.Device,
            FeatureKind.Geo => context.Geo,
            FeatureKind.PageCategory => context.PageCategory,
            FeatureKind.DayOfWeek => DayName(state.DayOfWeek),
            FeatureKind.Attribute => context.Attributes.TryGetValue(Name, out var a) ? a : null,
            _ => null,
        };
        if (value is null && IsNumeric && TryGetNumber(state, asset, out var number))
        {
            value = number.ToString(CultureInfo.InvariantCulture);
        }

        text = value ?? "";
        return value is not null;
    }

    public bool TryGetNumber(RequestState state, int asset, out double value)
    {
        switch (Kind)
        {
            case FeatureKind.LocalHour:
                value = state.LocalHour;
                return true;
            case FeatureKind.Signal:
                return TryGetSignal(state, asset, out value);
            case FeatureKind.Segments:
                value = 0;
                return false;
            default:
                if (TryGetText(state, asset, out var text))
                {
                    return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
                }

                value = 0;
                return false;
        }
    }

    public bool Exists(RequestState state, int asset) => Kind switch
    {
        FeatureKind.Segments => state.Segments.Count > 0,
        FeatureKind.Signal => TryGetSignal(state, asset, out _),
        FeatureKind.LocalHour or FeatureKind.DayOfWeek => true,
        _ => TryGetText(state, asset, out _),
    };

    private bool TryGetSignal(RequestState state, int asset, out double value)
    {
        var signals = state.Request.Signals;
        switch (KeyKind)
        {
            case SignalKeyKind.Geo:
                var geo = state.Request.Context.Geo;
                if (geo is null)
                {
                    value = 0;
                    return false;
                }

                return signals.TryGet(Name, geo, out value);
            default:
                var binding = _binding;
                if (binding is null || !ReferenceEquals(binding.Source, signals))
                {
                    binding = Bind(signals);
                    _binding = binding;
                }

                var slot = KeyKind == SignalKeyKind.Literal ? 0 : asset;
                if (slot < 0 || !binding.Present[slot])
                {
                    value = 0;
                    return false;
                }

                value = binding.Values[slot];
                return true;
        }
    }

    private SignalBinding Bind(LiveSignals signals)
    {
        if (KeyKind == SignalKeyKind.Literal)
        {
            var present = signals.TryGet(Name, KeyText, out var v);
            return new SignalBinding(signals, [v], [present]);
        }

        var keys = AssetKeys!;
        var values = new double[keys.Length];
        var has = new bool[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                has[i] = signals.TryGet(Name, key, out values[i]);
            }
        }

        return new SignalBinding(signals, values, has);
    }

    private static string DayName(DayOfWeek day) => day switch
    {
        System.DayOfWeek.Monday => "Monday",
        System.DayOfWeek.Tuesday => "Tuesday",
        System.DayOfWeek.Wednesday => "Wednesday",
        System.DayOfWeek.Thursday => "Thursday",
        System.DayOfWeek.Friday => "Friday",
        System.DayOfWeek.Saturday => "Saturday",
        _ => "Sunday",
    };

    private sealed record SignalBinding(LiveSignals Source, double[] Values, bool[] Present);
}

/// <summary>A condition compiled once per snapshot; evaluation allocates nothing.</summary>
internal abstract class CompiledCondition
{
    /// <summary>True when some leaf depends on the targeted asset (the rule is then evaluated per asset).</summary>
    public abstract bool PerAsset { get; }

    /// <summary>True when the result depends on the live signals only, so it can be cached per <see cref="LiveSignals"/> instance.</summary>
    public abstract bool SignalsOnly { get; }

    /// <summary>Evaluates for one request; <paramref name="asset"/> is the global asset index, or -1 for asset-independent conditions.</summary>
    public abstract bool Evaluate(RequestState state, int asset);

    public static CompiledCondition Compile(Condition condition, IReadOnlyList<AssetDefinition> assets, string where) => condition switch
    {
        AllCondition all => new AllNode(Children(all.Conditions, assets, where), true),
        AnyCondition any => new AllNode(Children(any.Conditions, assets, where), false),
        NotCondition not => new NotNode(Compile(not.Condition ?? throw new CampaignDefinitionException($"{where}: 'not' needs a condition."), assets, where)),
        CompareCondition compare => CompileCompare(compare, assets, where),
        InCondition inSet => new InNode(FeatureRef.Parse(inSet.Feature, assets, where),
            (inSet.Values ?? throw new CampaignDefinitionException($"{where}: 'in' on {inSet.Feature} needs values.")).ToFrozenSet(StringComparer.OrdinalIgnoreCase)),
        ExistsCondition exists => new ExistsNode(FeatureRef.Parse(exists.Feature, assets, where)),
        TimeWindowCondition window => new TimeWindowNode(window.From, window.To, DayMask(window.Days)),
        null => throw new CampaignDefinitionException($"{where}: a condition is null."),
        _ => throw new CampaignDefinitionException($"{where}: unsupported condition {condition.GetType().Name}."),
    };

    internal static int DayMask(IReadOnlyList<DayOfWeek>? days)
    {
        if (days is null || days.Count == 0)
        {
            return 0x7F;
        }

        var mask = 0;
        foreach (var d in days)
        {
            mask |= 1 << (int)d;
        }

        return mask;
    }

    /// <summary>Local time in [from, to) on an allowed day; windows with from &gt; to wrap past midnight and belong to their start day.</summary>
    internal static bool InWindow(TimeOnly time, DayOfWeek day, TimeOnly from, TimeOnly to, int dayMask)
    {
        if (from <= to)
        {
            return time >= from && time < to && (dayMask & (1 << (int)day)) != 0;
        }

        if (time >= from)
        {
            return (dayMask & (1 << (int)day)) != 0;
        }

        if (time < to)
        {
            var previous = (DayOfWeek)(((int)day + 6) % 7);
            return (dayMask & (1 << (int)previous)) != 0;
        }

        return false;
    }

    private static CompiledCondition[] Children(IReadOnlyList<Condition>? conditions, IReadOnlyList<AssetDefinition> assets, string where)
    {
        if (conditions is null)
        {
            throw new CampaignDefinitionException($"{where}: 'all'/'any' needs a list of conditions.");
        }

        return conditions.Select(c => Compile(c, assets, where)).ToArray();
    }

    private static CompiledCondition CompileCompare(CompareCondition compare, IReadOnlyList<AssetDefinition> assets, string where)
    {
        var feature = FeatureRef.Parse(compare.Feature, assets, where);
        if (feature.Kind == FeatureKind.Segments)
        {
            throw new CampaignDefinitionException($"{where}: profile.segments is a set; use 'in' or 'exists'.");
        }

        if (compare.Number.HasValue == (compare.Text is not null))
        {
            throw new CampaignDefinitionException($"{where}: compare on {compare.Feature} needs exactly one of number or text.");
        }

        if (compare.Number is { } number)
        {
            if (double.IsNaN(number))
            {
                throw new CampaignDefinitionException($"{where}: compare on {compare.Feature} has NaN as number.");
            }

            return new NumberCompareNode(feature, compare.Operator, number);
        }

        if (compare.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
        {
            throw new CampaignDefinitionException(
                $"{where}: text compare on {compare.Feature} supports only Equal and NotEqual, not {compare.Operator}.");
        }

        if (feature.IsNumeric)
        {
            throw new CampaignDefinitionException($"{where}: {compare.Feature} is numeric; compare it with a number.");
        }

        return new TextCompareNode(feature, compare.Operator == ComparisonOperator.Equal, compare.Text!);
    }

    private sealed class AllNode(CompiledCondition[] children, bool all) : CompiledCondition
    {
        public override bool PerAsset { get; } = children.Any(c => c.PerAsset);

        public override bool SignalsOnly { get; } = children.All(c => c.SignalsOnly);

        public override bool Evaluate(RequestState state, int asset)
        {
            foreach (var child in children)
            {
                if (child.Evaluate(state, asset) != all)
                {
                    return !all;
                }
            }

            return all;
        }
    }

    private sealed class NotNode(CompiledCondition inner) : CompiledCondition
    {
        public override bool PerAsset => inner.PerAsset;

        public override bool SignalsOnly => inner.SignalsOnly;

        public override bool Evaluate(RequestState state, int asset) => !inner.Evaluate(state, asset);
    }

    private sealed class NumberCompareNode(FeatureRef feature, ComparisonOperator op, double number) : CompiledCondition
    {
        public override bool PerAsset => feature.PerAsset;

        public override bool SignalsOnly => feature.SignalsOnly;

        public override bool Evaluate(RequestState state, int asset)
        {
            if (!feature.TryGetNumber(state, asset, out var value))
            {
                return false;
            }

            return op switch
            {
                ComparisonOperator.Equal => value == number,
                ComparisonOperator.NotEqual => value != number,
                ComparisonOperator.LessThan => value < number,
                ComparisonOperator.LessThanOrEqual => value <= number,
                ComparisonOperator.GreaterThan => value > number,
                _ => value >= number,
            };
        }
    }

    private sealed class TextCompareNode(FeatureRef feature, bool equal, string text) : CompiledCondition
    {
        public override bool PerAsset => feature.PerAsset;

        public override bool SignalsOnly => feature.SignalsOnly;

        public override bool Evaluate(RequestState state, int asset)
        {
            if (!feature.TryGetText(state, asset, out var value))
            {
                return false;
            }

            return string.Equals(value, text, StringComparison.OrdinalIgnoreCase) == equal;
        }
    }

    private sealed class InNode(FeatureRef feature, FrozenSet<string> values) : CompiledCondition
    {
        public override bool PerAsset => feature.PerAsset;

        public override bool SignalsOnly => feature.SignalsOnly;

        public override bool Evaluate(RequestState state, int asset)
        {
            if (feature.Kind == FeatureKind.Segments)
            {
                var segments = state.Segments;
                for (var i = 0; i < segments.Count; i++)
                {
                    if (values.Contains(segments[i]))
                    {
                        return true;
                    }
                }

                return false;
            }

            return feature.TryGetText(state, asset, out var value) && values.Contains(value);
        }
    }

    private sealed class ExistsNode(FeatureRef feature) : CompiledCondition
    {
        public override bool PerAsset => feature.PerAsset;

        public override bool SignalsOnly => feature.SignalsOnly;

        public override bool Evaluate(RequestState state, int asset) => feature.Exists(state, asset);
    }

    private sealed class TimeWindowNode(TimeOnly from, TimeOnly to, int dayMask) : CompiledCondition
    {
        public override bool PerAsset => false;

        public override bool SignalsOnly => false;

        public override bool Evaluate(RequestState state, int asset) => InWindow(state.LocalTime, state.DayOfWeek, from, to, dayMask);
    }
}
