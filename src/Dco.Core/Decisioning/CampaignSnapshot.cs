using Dco.Core.Decisioning.Engine;

namespace Dco.Core.Decisioning;

/// <summary>
/// An immutable, thread-safe campaign ready to decide: the compiled definition (rules, selectors,
/// constraints) plus a <see cref="PolicyModel"/>. The serving path holds one per campaign and swaps in a
/// new one (<see cref="WithModel"/>) when the learner publishes a model.
/// </summary>
public sealed class CampaignSnapshot : ICreativeDecider
{
    [ThreadStatic]
    private static DecisionRandom? s_random;

    private CampaignSnapshot(CompiledCampaign compiled, PolicyModel model, ulong seed)
    {
        Compiled = compiled;
        Model = model;
        Seed = seed;
        PolicyName = compiled.Policy.Kind switch
        {
            PolicyKind.FactorizedThompson => "factorized-thompson",
            PolicyKind.ContextualLinear => "contextual-linucb",
            PolicyKind.UniformRandom => "uniform-random",
            _ => "fixed-creative",
        };
        PolicyVersion = $"{compiled.Definition.Version}.{model.Version}";
        SlotNames = compiled.SlotNames;
    }

    public CampaignDefinition Campaign => Compiled.Definition;

    public PolicyModel Model { get; }

    /// <summary>Seed of <see cref="Decide(DecisionRequest)"/>: with it, a decision is a function of its id and request.</summary>
    public ulong Seed { get; }

    public string PolicyName { get; }

    public string PolicyVersion { get; }

    public IReadOnlyList<string> SlotNames { get; }

    internal CompiledCampaign Compiled { get; }

    /// <summary>
    /// The assets whose impressions the campaign's asset caps count: the only assets a viewer's impressions
    /// need keeping per asset for (<see cref="ViewerFrequency.AssetTimes"/>); rows of other assets change no decision.
    /// </summary>
    public AssetCapScope AssetCapScope => Compiled.AssetCapScope;

    /// <summary>
    /// Compiles <paramref name="campaign"/> (throws <see cref="CampaignDefinitionException"/> naming what is wrong)
    /// with <paramref name="model"/>, or with the prior model (no evidence yet) when null.
    /// </summary>
    public static CampaignSnapshot Create(CampaignDefinition campaign, PolicyModel? model = null, ulong seed = 0)
    {
        var compiled = new CompiledCampaign(campaign);
        model ??= new CampaignLearner(compiled).BuildModel(DateTimeOffset.UnixEpoch, seed);
        Check(compiled, model);
        return new CampaignSnapshot(compiled, model, seed);
    }

    /// <summary>The same campaign with a newer model (built by a learner of the same campaign configuration).</summary>
    public CampaignSnapshot WithModel(PolicyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Check(Compiled, model);
        return new CampaignSnapshot(Compiled, model, Seed);
    }

    /// <summary>Decides with randomness derived from <see cref="Seed"/> and the decision id (reproducible per decision).</summary>
    public Decision Decide(DecisionRequest request)
    {
        ValidateRequest(request);
        var random = s_random ??= new DecisionRandom(0);
        random.Reseed(Seed, request.DecisionId);
        return Decide(request, random);
    }

    public Decision Decide(DecisionRequest request, DecisionRandom random)
    {
        ValidateRequest(request);
        ArgumentNullException.ThrowIfNull(random);
        var sc = DecisionScratch.For(Compiled);
        var reason = DecisionEngine.Run(this, request, random, default, sc, out var propensity, out var bucket);
        return Build(request, sc, reason, propensity, bucket);
    }

    public double ProbabilityOf(DecisionRequest request, IReadOnlyList<string> assetIds)
    {
        ValidateRequest(request);
        ArgumentNullException.ThrowIfNull(assetIds);
        var c = Compiled;
        if (assetIds.Count != c.SlotCount)
        {
            throw new ArgumentException($"Expected {c.SlotCount} asset ids (one per slot: {string.Join(", ", c.SlotNames)}), got {assetIds.Count}.", nameof(assetIds));
        }

        Span<int> forced = stackalloc int[c.SlotCount];
        var known = true;
        for (var s = 0; s < c.SlotCount; s++)
        {
            known &= c.AssetIndex.TryGetValue(assetIds[s], out forced[s]) && c.AssetSlot[forced[s]] == s;
        }

        if (!known)
        {
            // Neither the policy nor the default creative (made of known assets) can produce an unknown asset.
            return 0;
        }

        var sc = DecisionScratch.For(c);
        var reason = DecisionEngine.Run(this, request, null, forced, sc, out var propensity, out _);
        if (reason != DefaultReason.None)
        {
            return assetIds.SequenceEqual(c.DefaultAssetIds, StringComparer.Ordinal) ? 1 : 0;
        }

        return propensity;
    }

    internal DecisionExplanation Explain(DecisionRecord record, DecisionTrace trace)
    {
        var c = Compiled;
        var fired = new List<RuleFiring>();
        foreach (var rule in c.Rules)
        {
            if (rule.Index < trace.FiredRules.Length * 64 && Bits.Get(trace.FiredRules, rule.Index))
            {
                var def = rule.Definition;
                fired.Add(new RuleFiring(def.Id, def.Action, def.Priority, def.Description));
            }
        }

        var reasons = new Dictionary<int, AssetNote>();
        var exclusions = new List<AssetExclusion>();
        foreach (var note in trace.Notes)
        {
            reasons[note.Asset] = note;
            if (note.Reason > 0)
            {
                exclusions.Add(new AssetExclusion(
                    c.SlotNames[c.AssetSlot[note.Asset]], c.AssetIds[note.Asset], (ExclusionReason)(note.Reason - 1),
                    note.Rule >= 0 ? c.Rules[note.Rule].Definition.Id : null));
            }
        }

        var slots = new List<SlotExplanation>();
        var bucket = record.ModelSegment is { } segment ? c.SegmentBucket.GetValueOrDefault(segment, 0) : 0;
        var features = record.Features.ToArray();
        for (var s = 0; s < trace.Slots.Length; s++)
        {
            var slotTrace = trace.Slots[s];
            var scores = new List<AssetScore>();
            for (var g = c.SlotStart[s]; g < c.SlotStart[s] + c.SlotSize[s]; g++)
            {
                var note = reasons.GetValueOrDefault(g, new AssetNote(g, 0, -1, 1));
                var reason = note.Reason == 0 ? (ExclusionReason?)null : (ExclusionReason)(note.Reason - 1);
                if (reason is ExclusionReason.ExcludedByRule or ExclusionReason.NotIncluded or ExclusionReason.NotPinned or ExclusionReason.AssetFrequencyCap)
                {
                    continue;
                }

                scores.Add(new AssetScore(c.AssetIds[g], ScoreOf(s, g, bucket, trace, features), note.Boost));
            }

            slots.Add(new SlotExplanation
            {
                Slot = c.SlotNames[s],
                ChosenAssetId = c.AssetIds[slotTrace.Asset],
                Mode = slotTrace.Mode,
                StepProbability = slotTrace.Probability,
                FeasibleCount = slotTrace.FeasibleCount,
                PinnedBy = slotTrace.PinRule >= 0 ? c.Rules[slotTrace.PinRule].Definition.Id : null,
                Scores = scores,
            });
        }

        return new DecisionExplanation
        {
            DecisionId = record.DecisionId,
            PolicyName = record.PolicyName,
            PolicyVersion = record.PolicyVersion,
            Propensity = record.Propensity,
            PropensityStandardError = record.PropensityStandardError,
            IsDefault = record.IsDefault,
            DefaultReason = record.DefaultReason,
            ModelSegment = record.ModelSegment,
            FiredRules = fired,
            Exclusions = exclusions,
            Slots = slots,
            ExplorationFloor = c.Policy.ExplorationFloor,
        };
    }

    internal IReadOnlyList<AssetDefinition> ResolveAssetsFor(IReadOnlyList<string> assetIds)
    {
        // Once per decide: a plain loop, not a LINQ pipeline that allocates a closure and an iterator beside the array.
        var c = Compiled;
        var assets = new AssetDefinition[assetIds.Count];
        for (var i = 0; i < assets.Length; i++)
        {
            assets[i] = c.Assets[c.AssetIndex[assetIds[i]]];
        }

        return assets;
    }

    private double ScoreOf(int s, int g, int bucket, DecisionTrace trace, int[] features)
    {
        var c = Compiled;
        switch (c.Policy.Kind)
        {
            case PolicyKind.FactorizedThompson:
                var partner = c.PartnerSlot[s];
                if (partner >= 0 && Model.PairScores[s] is { } pair)
                {
                    var chosenPartner = trace.Slots[partner].Asset - c.SlotStart[partner];
                    return pair[(((bucket * c.SlotSize[partner]) + chosenPartner) * c.SlotSize[s]) + (g - c.SlotStart[s])];
                }

                return Model.Scores[(bucket * c.AssetCount) + g];
            case PolicyKind.ContextualLinear:
                return ContextFeatures.UpperConfidenceBound(Model.Linear!, g, features);
            case PolicyKind.UniformRandom:
                return 1;
            default:
                return c.FixedAssets[s] == g ? 1 : 0;
        }
    }

    private Decision Build(DecisionRequest request, DecisionScratch sc, DefaultReason reason, double propensity, int bucket)
    {
        var c = Compiled;
        var isDefault = reason != DefaultReason.None;
        string[] assetIds;
        SlotTrace[] slots;
        if (isDefault)
        {
            assetIds = c.DefaultAssetIds;
            slots = [];
            propensity = 1;
        }
        else
        {
            assetIds = new string[c.SlotCount];
            slots = new SlotTrace[c.SlotCount];
            for (var s = 0; s < c.SlotCount; s++)
            {
                var g = sc.Chosen[s];
                assetIds[s] = c.AssetIds[g];
                slots[s] = new SlotTrace(sc.StepProbability[s], g, sc.FeasibleCount[s], sc.PinnedBy[s], sc.Mode[s]);
            }
        }

        var noteCount = 0;
        var computed = reason is DefaultReason.None or DefaultReason.NoEligibleAsset or DefaultReason.NoEligibleCombination;
        if (computed)
        {
            for (var a = 0; a < c.AssetCount; a++)
            {
                if (sc.Reason[a] != 0 || sc.Boost[a] != 1)
                {
                    noteCount++;
                }
            }
        }

        var notes = noteCount == 0 ? [] : new AssetNote[noteCount];
        if (noteCount > 0)
        {
            var i = 0;
            for (var a = 0; a < c.AssetCount; a++)
            {
                if (sc.Reason[a] != 0 || sc.Boost[a] != 1)
                {
                    notes[i++] = new AssetNote(a, sc.Reason[a], sc.Reason[a] == 0 ? (short)-1 : sc.ReasonRule[a], (float)sc.Boost[a]);
                }
            }
        }

        var fired = computed && c.Rules.Length > 0 ? sc.Fired.AsSpan(0, Bits.WordCount(c.Rules.Length)).ToArray() : [];
        var record = new DecisionRecord
        {
            DecisionId = request.DecisionId,
            CampaignId = c.Definition.Id,
            CampaignVersion = c.Definition.Version,
            PolicyName = PolicyName,
            PolicyVersion = PolicyVersion,
            DecidedAt = request.Time,
            Consent = request.Consent,
            IsDefault = isDefault,
            DefaultReason = reason,
            AssetIds = assetIds,
            Propensity = propensity,
            ModelSegment = bucket > 0 ? c.ModelSegments[bucket - 1] : null,
            Features = computed && sc.FeatureCount > 0 ? sc.Features.AsSpan(0, sc.FeatureCount).ToArray() : [],
        };
        return new Decision(this, record, new DecisionTrace(fired, notes, slots));
    }

    private static void ValidateRequest(DecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.DecisionId))
        {
            throw new ArgumentException("A decision request needs a decision id.", nameof(request));
        }

        if (!Enum.IsDefined(request.Consent))
        {
            throw new ArgumentException($"Unknown consent level {request.Consent}.", nameof(request));
        }

        if (request.Segments is null || request.Context is null || request.Signals is null || request.Frequency is null
            || request.Context.Attributes is null)
        {
            throw new ArgumentException(
                $"Decision request {request.DecisionId}: segments, context (and its attributes), signals and frequency must not be null; use empty values.",
                nameof(request));
        }
    }

    private static void Check(CompiledCampaign compiled, PolicyModel model)
    {
        if (!string.Equals(model.CampaignId, compiled.Definition.Id, StringComparison.Ordinal)
            || !model.AssetIds.AsSpan().SequenceEqual(compiled.AssetIds)
            || model.Buckets.Length != compiled.BucketCount
            || !model.Buckets.AsSpan(1).SequenceEqual(compiled.ModelSegments)
            || (compiled.Policy.Kind == PolicyKind.ContextualLinear
                && (model.Linear is null || model.Linear.Dimensions != compiled.Policy.FeatureDimensions)))
        {
            throw new ArgumentException(
                $"The model was built for another configuration of campaign {model.CampaignId}; load the learner state into a learner of this configuration and rebuild the model.",
                nameof(model));
        }
    }
}
