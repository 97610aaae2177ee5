using System.Collections.Frozen;

namespace Dco.Core.Decisioning.Engine;

internal sealed class CompiledRule
{
    public required int Index { get; init; }
    public required RuleDefinition Definition { get; init; }
    public required CompiledCondition? Condition
    {
        get;
        init
        {
            field = value;
            PerAsset = value?.PerAsset ?? false;
            SignalsOnly = value?.SignalsOnly ?? false;
        }
    }

    public required int[] Targets { get; init; }

    public bool PerAsset { get; private init; }

    /// <summary>The condition reads only literal- or asset-keyed signals: its outcome is cached per <see cref="LiveSignals"/> instance.</summary>
    public bool SignalsOnly { get; private init; }

    private SignalOutcome? _outcome;

    /// <summary>Targets for which the condition holds under these signals (all targets or none for asset-independent conditions).</summary>
    public int[] FiredTargets(RequestState state)
    {
        var signals = state.Request.Signals;
        var outcome = _outcome;
        if (outcome is null || !ReferenceEquals(outcome.Signals, signals))
        {
            var fired = Condition!.PerAsset ? FiredPerAsset(state) : Condition.Evaluate(state, -1) ? Targets : [];
            outcome = new SignalOutcome(signals, fired);
            _outcome = outcome;
        }

        return outcome.Fired;
    }

    // Apart from FiredTargets: a lambda capturing its parameter would allocate its closure on every call,
    // also on the cached path that every decide takes.
    private int[] FiredPerAsset(RequestState state) => Targets.Where(a => Condition!.Evaluate(state, a)).ToArray();

    private sealed record SignalOutcome(LiveSignals Signals, int[] Fired);
}

internal sealed record CompiledCap(int MaxImpressions, long WindowTicks, ulong[]? Targets);

/// <summary>
/// A campaign compiled once per snapshot: assets as global indices (slot by slot), selectors as bitsets,
/// constraints as per-asset compatibility bitsets, rules sorted by priority with compiled conditions.
/// </summary>
internal sealed class CompiledCampaign
{
    public CompiledCampaign(CampaignDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        if (string.IsNullOrWhiteSpace(definition.Id))
        {
            throw new CampaignDefinitionException("Campaign id is required.");
        }

        if (definition.Slots is null || definition.Slots.Count == 0)
        {
            throw new CampaignDefinitionException($"Campaign {definition.Id}: the template needs at least one slot.");
        }

        SlotCount = definition.Slots.Count;
        SlotNames = new string[SlotCount];
        SlotStart = new int[SlotCount];
        SlotSize = new int[SlotCount];
        SlotWordOffset = new int[SlotCount];
        SlotWords = new int[SlotCount];
        var slotIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var assets = new List<AssetDefinition>();
        var assetSlot = new List<int>();
        var words = 0;
        for (var s = 0; s < SlotCount; s++)
        {
            var slot = definition.Slots[s] ?? throw new CampaignDefinitionException($"Campaign {definition.Id}: slot #{s} is null.");
            if (string.IsNullOrWhiteSpace(slot.Name))
            {
                throw new CampaignDefinitionException($"Campaign {definition.Id}: slot #{s} has no name.");
            }

            if (!slotIndex.TryAdd(slot.Name, s))
            {
                throw new CampaignDefinitionException($"Campaign {definition.Id}: slot '{slot.Name}' is defined twice.");
            }

            if (slot.Assets is null || slot.Assets.Count == 0)
            {
                throw new CampaignDefinitionException($"Campaign {definition.Id}: slot '{slot.Name}' has no candidate assets.");
            }

            SlotNames[s] = slot.Name;
            SlotStart[s] = assets.Count;
            SlotSize[s] = slot.Assets.Count;
            SlotWordOffset[s] = words;
            SlotWords[s] = Bits.WordCount(slot.Assets.Count);
            words += SlotWords[s];
            foreach (var asset in slot.Assets)
            {
                if (asset is null || string.IsNullOrWhiteSpace(asset.Id))
                {
                    throw new CampaignDefinitionException($"Campaign {definition.Id}: slot '{slot.Name}' has an asset without id.");
                }

                assets.Add(asset);
                assetSlot.Add(s);
            }
        }

        if (assets.Count > ushort.MaxValue)
        {
            throw new CampaignDefinitionException($"Campaign {definition.Id}: at most {ushort.MaxValue} assets per campaign, not {assets.Count}.");
        }

        if ((definition.Rules?.Count ?? 0) > 4094)
        {
            throw new CampaignDefinitionException($"Campaign {definition.Id}: at most 4094 rules per campaign, not {definition.Rules!.Count}.");
        }

        TotalWords = words;
        Assets = assets.ToArray();
        AssetSlot = assetSlot.ToArray();
        AssetCount = Assets.Length;
        // The pooled instances (PooledKeys), which viewers' impressions are held under: a decision's ids then find
        // the viewer's rows by reference.
        AssetIds = new string[Assets.Length];
        AssetIdsPooled = true;
        for (var i = 0; i < AssetIds.Length; i++)
        {
            var pooled = PooledKeys.TryIntern(Assets[i].Id, out AssetIds[i]);
            AssetIdsPooled &= pooled;
        }
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < AssetCount; i++)
        {
            if (!byId.TryAdd(AssetIds[i], i))
            {
                throw new CampaignDefinitionException($"Campaign {definition.Id}: asset id '{AssetIds[i]}' is used twice (ids are unique per campaign).");
            }
        }

        AssetIndex = byId.ToFrozenDictionary(StringComparer.Ordinal);
        AssetIndexBySpan = AssetIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        SlotIndex = slotIndex.ToFrozenDictionary(StringComparer.Ordinal);

        CombinationKeys = new CombinationKeys(SlotStart, SlotSize, AssetCount);
        DefaultAssets = ResolveCreative(definition.DefaultCreative, "default creative");
        DefaultAssetIds = DefaultAssets.Select(i => AssetIds[i]).ToArray();

        CompileSchedule(definition.Schedule);
        Rules = CompileRules(definition.Rules ?? []);
        GatedWords = new ulong[TotalWords];
        foreach (var rule in Rules.Where(r => r.Definition.Action == RuleActionKind.Include))
        {
            foreach (var a in rule.Targets)
            {
                SetAsset(GatedWords, a);
            }
        }

        CompileCaps(definition.FrequencyCaps ?? []);
        Compat = new ulong[]?[SlotCount * SlotCount];
        CompileConstraints(definition.Constraints ?? []);

        var policy = definition.Policy ?? new PolicySettings();
        Policy = policy;
        ValidatePolicy(policy);
        SignalFeatures = (policy.SignalFeatures ?? [])
            .Select(f => (FeatureRef.Parse("signal." + f.Signal, Assets, $"Campaign {definition.Id}: signal feature"), f.Thresholds.ToArray()))
            .ToArray();
        var segments = (policy.Segments ?? []).ToArray();
        if (segments.Distinct(StringComparer.Ordinal).Count() != segments.Length)
        {
            throw new CampaignDefinitionException($"Campaign {definition.Id}: policy segments contain duplicates.");
        }

        ModelSegments = segments;
        SegmentBucket = segments.Select((s, i) => (s, i)).ToFrozenDictionary(x => x.s, x => x.i + 1, StringComparer.Ordinal);
        PartnerSlot = Enumerable.Repeat(-1, SlotCount).ToArray();
        var pairs = new List<(int First, int Second)>();
        foreach (var pair in policy.Interactions ?? [])
        {
            var a = SlotOf(pair.First, "interaction");
            var b = SlotOf(pair.Second, "interaction");
            if (a == b)
            {
                throw new CampaignDefinitionException($"Campaign {definition.Id}: interaction pairs slot '{pair.First}' with itself.");
            }

            var (first, second) = a < b ? (a, b) : (b, a);
            if (PartnerSlot[second] >= 0)
            {
                throw new CampaignDefinitionException(
                    $"Campaign {definition.Id}: slot '{SlotNames[second]}' already interacts with an earlier slot; one earlier partner per slot.");
            }

            PartnerSlot[second] = first;
            pairs.Add((first, second));
        }

        InteractionPairs = pairs.ToArray();
        FixedAssets = policy.Kind == PolicyKind.FixedCreative
            ? ResolveCreative(policy.FixedCreative ?? definition.DefaultCreative, "fixed creative")
            : DefaultAssets;
        ConstraintPartner = Enumerable.Repeat(-1, SlotCount).ToArray();
        IsMatching = true;
        for (var a = 0; a < SlotCount; a++)
        {
            for (var b = 0; b < SlotCount; b++)
            {
                if (a != b && Compat[(a * SlotCount) + b] is not null)
                {
                    IsMatching &= ConstraintPartner[a] < 0 || ConstraintPartner[a] == b;
                    ConstraintPartner[a] = b;
                }
            }
        }

        SearchFrom = new bool[SlotCount + 1];
        for (var s = SlotCount - 1; s >= 0; s--)
        {
            var any = SearchFrom[s + 1];
            for (var t = s + 1; t < SlotCount && !any; t++)
            {
                any = Compat[(s * SlotCount) + t] is not null;
            }

            SearchFrom[s] = any;
        }
    }

    public CampaignDefinition Definition { get; }
    public PolicySettings Policy { get; }
    public int SlotCount { get; }
    public string[] SlotNames { get; }
    public int[] SlotStart { get; }
    public int[] SlotSize { get; }
    public int[] SlotWordOffset { get; }
    public int[] SlotWords { get; }
    public int TotalWords { get; }
    public int AssetCount { get; }
    public AssetDefinition[] Assets { get; }
    public string[] AssetIds { get; }
    public int[] AssetSlot { get; }
    public FrozenDictionary<string, int> AssetIndex { get; }
    public FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> AssetIndexBySpan { get; }
    public FrozenDictionary<string, int> SlotIndex { get; }
    public int[] DefaultAssets { get; }
    public string[] DefaultAssetIds { get; }
    public int[] FixedAssets { get; }
    public long FlightStartTicks { get; private set; } = long.MinValue;
    public long FlightEndTicks { get; private set; } = long.MaxValue;
    public (TimeOnly From, TimeOnly To, int DayMask)[] Dayparts { get; private set; } = [];
    public CompiledRule[] Rules { get; }
    public ulong[] GatedWords { get; }
    public CompiledCap[] AssetCaps { get; private set; } = [];
    public CompiledCap[] CombinationCaps { get; private set; } = [];
    public CompiledCap[] CampaignCaps { get; private set; } = [];

    /// <summary>The pooled key of each combination chosen, by the chosen assets' indices (<see cref="Decision.CombinationKey"/>).</summary>
    public CombinationKeys CombinationKeys { get; }

    /// <summary>Whether every one of <see cref="AssetIds"/> is the instance <see cref="PooledKeys"/> holds (false only when the pool was full).</summary>
    public bool AssetIdsPooled { get; }

    /// <summary>The assets some asset cap counts (<see cref="AssetCapScope.All"/> when a cap has no selector).</summary>
    public AssetCapScope AssetCapScope { get; private set; } = AssetCapScope.None;

    /// <summary>The fewest impressions any asset cap allows (<see cref="int.MaxValue"/> without one): a key held fewer times reaches none.</summary>
    public int AssetCapFloor { get; private set; } = int.MaxValue;

    /// <summary>The fewest impressions any combination cap allows (<see cref="int.MaxValue"/> without one).</summary>
    public int CombinationCapFloor { get; private set; } = int.MaxValue;

    /// <summary>[first slot × SlotCount + second slot] → per asset of the first slot, the allowed assets of the second (null: unconstrained).</summary>
    public ulong[]?[] Compat { get; }

    public bool HasConstraints { get; private set; }

    /// <summary>True when every slot is constrained with at most one other slot: completability is then a single bitset test.</summary>
    public bool IsMatching { get; }

    /// <summary>Per slot, its constraint partner when <see cref="IsMatching"/> (or -1).</summary>
    public int[] ConstraintPartner { get; }

    /// <summary>[s]: some constraint links two slots at or after s (a completion search may be needed).</summary>
    public bool[] SearchFrom { get; }

    public string[] ModelSegments { get; }

    /// <summary>Numeric signals bucketed into contextual features.</summary>
    public (FeatureRef Feature, double[] Thresholds)[] SignalFeatures { get; }

    /// <summary>Segment name → model bucket (0 is all viewers).</summary>
    public FrozenDictionary<string, int> SegmentBucket { get; }

    public int BucketCount => ModelSegments.Length + 1;

    /// <summary>Per slot, the earlier slot it interacts with (or -1).</summary>
    public int[] PartnerSlot { get; }

    public (int First, int Second)[] InteractionPairs { get; }

    public void SetAsset(Span<ulong> words, int asset)
    {
        var local = asset - SlotStart[AssetSlot[asset]];
        words[SlotWordOffset[AssetSlot[asset]] + (local >> 6)] |= 1UL << (local & 63);
    }

    public void ClearAsset(Span<ulong> words, int asset)
    {
        var local = asset - SlotStart[AssetSlot[asset]];
        words[SlotWordOffset[AssetSlot[asset]] + (local >> 6)] &= ~(1UL << (local & 63));
    }

    public bool HasAsset(ReadOnlySpan<ulong> words, int asset)
    {
        var local = asset - SlotStart[AssetSlot[asset]];
        return (words[SlotWordOffset[AssetSlot[asset]] + (local >> 6)] & (1UL << (local & 63))) != 0;
    }

    public int SlotOf(string name, string where) =>
        SlotIndex.TryGetValue(name ?? "", out var s)
            ? s
            : throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} names unknown slot '{name}'.");

    /// <summary>Global asset indices matched by a selector (error when it matches nothing: a typo must not silently do nothing).</summary>
    public int[] Select(AssetSelector? selector, string where)
    {
        if (selector is null)
        {
            throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} needs an asset selector.");
        }

        if (selector.Slot is null && selector.AssetIds is null && selector.Tags is null && selector.Attributes is null)
        {
            throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} has an empty selector (give a slot, asset ids, tags or attributes).");
        }

        var slot = selector.Slot is null ? -1 : SlotOf(selector.Slot, where);
        if (selector.AssetIds is not null)
        {
            foreach (var id in selector.AssetIds)
            {
                if (!AssetIndex.ContainsKey(id))
                {
                    throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} names unknown asset '{id}'.");
                }
            }
        }

        var result = new List<int>();
        for (var a = 0; a < AssetCount; a++)
        {
            var asset = Assets[a];
            if (slot >= 0 && AssetSlot[a] != slot)
            {
                continue;
            }

            if (selector.AssetIds is not null && !selector.AssetIds.Contains(asset.Id, StringComparer.Ordinal))
            {
                continue;
            }

            if (selector.Tags is not null && !selector.Tags.Any(t => asset.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (selector.Attributes is not null && !selector.Attributes.All(kv =>
                    asset.Attributes.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal)))
            {
                continue;
            }

            result.Add(a);
        }

        if (result.Count == 0)
        {
            throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} selects no asset.");
        }

        return result.ToArray();
    }

    public ulong[] ToWords(IEnumerable<int> assets)
    {
        var words = new ulong[TotalWords];
        foreach (var a in assets)
        {
            SetAsset(words, a);
        }

        return words;
    }

    private int[] ResolveCreative(IReadOnlyDictionary<string, string>? creative, string what)
    {
        if (creative is null)
        {
            throw new CampaignDefinitionException($"Campaign {Definition.Id}: the {what} is required (one asset id per slot).");
        }

        var result = new int[SlotCount];
        for (var s = 0; s < SlotCount; s++)
        {
            if (!creative.TryGetValue(SlotNames[s], out var id))
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: the {what} has no asset for slot '{SlotNames[s]}'.");
            }

            if (!AssetIndex.TryGetValue(id, out var a) || AssetSlot[a] != s)
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: the {what} names '{id}', which is not an asset of slot '{SlotNames[s]}'.");
            }

            result[s] = a;
        }

        foreach (var slot in creative.Keys)
        {
            if (!SlotIndex.ContainsKey(slot))
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: the {what} names unknown slot '{slot}'.");
            }
        }

        return result;
    }

    private void CompileSchedule(FlightSchedule? schedule)
    {
        if (schedule is null)
        {
            return;
        }

        if (schedule.Start is { } start && schedule.End is { } end && end <= start)
        {
            throw new CampaignDefinitionException($"Campaign {Definition.Id}: flight ends ({end:O}) before it starts ({start:O}).");
        }

        FlightStartTicks = schedule.Start?.UtcTicks ?? long.MinValue;
        FlightEndTicks = schedule.End?.UtcTicks ?? long.MaxValue;
        Dayparts = (schedule.Dayparts ?? []).Select((d, i) =>
        {
            if (d.From == d.To)
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: daypart #{i} is empty (from equals to).");
            }

            return (d.From, d.To, CompiledCondition.DayMask(d.Days));
        }).ToArray();
    }

    private CompiledRule[] CompileRules(IReadOnlyList<RuleDefinition> rules)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<(RuleDefinition Rule, int Order, CompiledCondition? Condition, int[] Targets)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] ?? throw new CampaignDefinitionException($"Campaign {Definition.Id}: rule #{i} is null.");
            if (string.IsNullOrWhiteSpace(rule.Id) || !ids.Add(rule.Id))
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: rule #{i} needs a unique id ('{rule.Id}').");
            }

            var where = $"Campaign {Definition.Id}, rule '{rule.Id}'";
            if (!Enum.IsDefined(rule.Action))
            {
                throw new CampaignDefinitionException($"{where}: unknown action {rule.Action}.");
            }

            if (rule.Action == RuleActionKind.Boost && (!(rule.BoostFactor > 0) || double.IsInfinity(rule.BoostFactor)))
            {
                throw new CampaignDefinitionException($"{where}: boost factor must be a positive finite number, not {rule.BoostFactor}.");
            }

            var condition = rule.When is null ? null : CompiledCondition.Compile(rule.When, Assets, where);
            var targets = Select(rule.Target, $"rule '{rule.Id}'");
            compiled.Add((rule, i, condition, targets));
        }

        return compiled
            .OrderByDescending(r => r.Rule.Priority)
            .ThenBy(r => r.Order)
            .Select((r, index) => new CompiledRule { Index = index, Definition = r.Rule, Condition = r.Condition, Targets = r.Targets })
            .ToArray();
    }

    private void CompileCaps(IReadOnlyList<FrequencyCapDefinition> caps)
    {
        var asset = new List<CompiledCap>();
        var combination = new List<CompiledCap>();
        var campaign = new List<CompiledCap>();
        for (var i = 0; i < caps.Count; i++)
        {
            var cap = caps[i];
            var where = $"frequency cap #{i}";
            if (cap.MaxImpressions < 1)
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} needs at least 1 impression (use a rule to exclude).");
            }

            if (cap.Window <= TimeSpan.Zero)
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} needs a positive window.");
            }

            switch (cap.Scope)
            {
                case CapScope.Asset:
                    asset.Add(new CompiledCap(cap.MaxImpressions, cap.Window.Ticks, cap.Assets is null ? null : ToWords(Select(cap.Assets, where))));
                    break;
                case CapScope.Combination:
                    combination.Add(new CompiledCap(cap.MaxImpressions, cap.Window.Ticks, null));
                    break;
                case CapScope.Campaign:
                    campaign.Add(new CompiledCap(cap.MaxImpressions, cap.Window.Ticks, null));
                    break;
                default:
                    throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} has unknown scope {cap.Scope}.");
            }
        }

        AssetCaps = asset.ToArray();
        AssetCapScope = AssetCaps.Length == 0 ? AssetCapScope.None
            : AssetCaps.Any(cap => cap.Targets is null) ? AssetCapScope.All
            : AssetCapScope.Of(Enumerable.Range(0, AssetCount).Where(a => AssetCaps.Any(cap => HasAsset(cap.Targets!, a))).Select(a => AssetIds[a]));
        CombinationCaps = combination.ToArray();
        CampaignCaps = campaign.ToArray();
        AssetCapFloor = AssetCaps.Length == 0 ? int.MaxValue : AssetCaps.Min(cap => cap.MaxImpressions);
        CombinationCapFloor = CombinationCaps.Length == 0 ? int.MaxValue : CombinationCaps.Min(cap => cap.MaxImpressions);
    }

    private void CompileConstraints(IReadOnlyList<CompatibilityConstraint> constraints)
    {
        foreach (var constraint in constraints)
        {
            var where = $"constraint '{constraint.Id}'";
            var first = Select(constraint.First, where);
            var second = Select(constraint.Second, where);
            var firstSlots = first.Select(a => AssetSlot[a]).Distinct().ToArray();
            var secondSlots = second.Select(a => AssetSlot[a]).Distinct().ToArray();
            if (secondSlots.Length != 1)
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where}: the second selector must pick assets of exactly one slot.");
            }

            var t = secondSlots[0];
            if (firstSlots.Contains(t))
            {
                throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} relates a slot to itself.");
            }

            var secondSet = second.ToHashSet();
            foreach (var a in first)
            {
                var s = AssetSlot[a];
                for (var b = SlotStart[t]; b < SlotStart[t] + SlotSize[t]; b++)
                {
                    var allowed = constraint.Kind switch
                    {
                        ConstraintKind.NeverTogether => !secondSet.Contains(b),
                        ConstraintKind.Requires => secondSet.Contains(b),
                        _ => throw new CampaignDefinitionException($"Campaign {Definition.Id}: {where} has unknown kind {constraint.Kind}."),
                    };
                    if (!allowed)
                    {
                        Forbid(s, a, t, b);
                    }
                }
            }
        }
    }

    /// <summary>Forbids the pair in both directions, so forward checking works whichever slot is filled first.</summary>
    private void Forbid(int s, int a, int t, int b)
    {
        HasConstraints = true;
        ForbidDirected(s, a, t, b);
        ForbidDirected(t, b, s, a);
    }

    private void ForbidDirected(int s, int a, int t, int b)
    {
        ref var matrix = ref Compat[(s * SlotCount) + t];
        if (matrix is null)
        {
            matrix = new ulong[SlotSize[s] * SlotWords[t]];
            for (var i = 0; i < SlotSize[s]; i++)
            {
                Bits.SetFirst(matrix.AsSpan(i * SlotWords[t], SlotWords[t]), SlotSize[t]);
            }
        }

        var row = (a - SlotStart[s]) * SlotWords[t];
        Bits.Clear(matrix.AsSpan(row, SlotWords[t]), b - SlotStart[t]);
    }

    private void ValidatePolicy(PolicySettings policy)
    {
        var where = $"Campaign {Definition.Id}: policy";
        if (!Enum.IsDefined(policy.Kind))
        {
            throw new CampaignDefinitionException($"{where} kind {policy.Kind} is unknown.");
        }

        if (!(policy.ExplorationFloor >= 0 && policy.ExplorationFloor <= 1))
        {
            throw new CampaignDefinitionException($"{where} exploration floor must be in [0, 1], not {policy.ExplorationFloor}.");
        }

        if (policy.ProbabilityDraws < 10)
        {
            throw new CampaignDefinitionException($"{where} needs at least 10 probability draws, not {policy.ProbabilityDraws}.");
        }

        if (!(policy.PriorStrength >= 0) || double.IsInfinity(policy.PriorStrength))
        {
            throw new CampaignDefinitionException($"{where} prior strength must be a finite number ≥ 0.");
        }

        if (policy.FeatureDimensions is < 2 or > 1024)
        {
            throw new CampaignDefinitionException($"{where} feature dimensions must be in [2, 1024], not {policy.FeatureDimensions}.");
        }

        if (!(policy.Ridge > 0) || !(policy.UcbAlpha >= 0))
        {
            throw new CampaignDefinitionException($"{where} needs ridge > 0 and UCB alpha ≥ 0.");
        }

        if (policy.HalfLife is { } halfLife && halfLife <= TimeSpan.Zero)
        {
            throw new CampaignDefinitionException($"{where} half-life must be positive.");
        }

        if (policy.DeduplicationCapacity < 1 || policy.DeduplicationWindow <= TimeSpan.Zero)
        {
            throw new CampaignDefinitionException($"{where} needs a positive deduplication capacity and window.");
        }

        foreach (var feature in policy.SignalFeatures ?? [])
        {
            var parsed = FeatureRef.Parse("signal." + feature.Signal, Assets, $"{where} signal feature");
            if (parsed.PerAsset)
            {
                throw new CampaignDefinitionException($"{where} signal feature '{feature.Signal}' cannot be keyed by an asset attribute.");
            }

            if (feature.Thresholds is null || feature.Thresholds.Count == 0 || feature.Thresholds.Zip(feature.Thresholds.Skip(1)).Any(p => p.First >= p.Second))
            {
                throw new CampaignDefinitionException($"{where} signal feature '{feature.Signal}' needs strictly ascending thresholds.");
            }
        }
    }
}
