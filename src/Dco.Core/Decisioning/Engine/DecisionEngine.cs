namespace Dco.Core.Decisioning.Engine;

/// <summary>
/// The decision path: consent → schedule → campaign cap → rules (priority order) → include gating →
/// asset caps → pins → combination caps → per-slot choice with forward checking and completion search,
/// so constraints are honoured while choosing and the propensity is the product of exact step probabilities.
/// </summary>
internal static class DecisionEngine
{
    /// <summary>
    /// Runs one decision into <paramref name="sc"/>. With <paramref name="forced"/> (one global asset index per
    /// slot) nothing is drawn: the result's propensity is the probability of that combination (0 when infeasible).
    /// </summary>
    public static DefaultReason Run(
        CampaignSnapshot snapshot, DecisionRequest request, DecisionRandom? random, ReadOnlySpan<int> forced,
        DecisionScratch sc, out double propensity, out int bucket)
    {
        propensity = 1;
        var reason = Eligibility(snapshot, request, sc, out bucket);
        return reason != DefaultReason.None ? reason : Choose(snapshot, sc, random, forced, bucket, ref propensity);
    }

    /// <summary>
    /// Everything before the choice: leaves the eligible assets in sc.Domain, boosts in sc.Boost, capped
    /// combinations in sc.Nogoods, features in sc.Features; returns why the default is served, if it is.
    /// </summary>
    public static DefaultReason Eligibility(CampaignSnapshot snapshot, DecisionRequest request, DecisionScratch sc, out int bucket)
    {
        var c = snapshot.Compiled;
        var slotCount = c.SlotCount;
        var words = c.TotalWords;
        var fired = sc.Fired.AsSpan(0, Bits.WordCount(Math.Max(1, c.Rules.Length)));
        fired.Clear();
        sc.Reason.AsSpan(0, c.AssetCount).Clear();
        sc.Boost.AsSpan(0, c.AssetCount).Fill(1.0);
        sc.PinnedBy.AsSpan(0, slotCount).Fill(-1);
        sc.NogoodCount = 0;
        sc.PinCount = 0;
        sc.FeatureCount = 0;
        bucket = 0;

        if (request.Consent == ConsentLevel.None)
        {
            return DefaultReason.ConsentNone;
        }

        var now = request.Time.UtcTicks;
        if (now < c.FlightStartTicks)
        {
            return DefaultReason.BeforeFlight;
        }

        if (now >= c.FlightEndTicks)
        {
            return DefaultReason.AfterFlight;
        }

        var state = sc.State;
        state.Reset(request);
        if (c.Dayparts.Length > 0 && !InAnyDaypart(c, state))
        {
            return DefaultReason.OutsideDaypart;
        }

        var frequency = request.Frequency ?? ViewerFrequency.Empty;
        foreach (var cap in c.CampaignCaps)
        {
            if (CountInWindow(frequency.CampaignImpressions, now, cap.WindowTicks) >= cap.MaxImpressions)
            {
                return DefaultReason.CampaignFrequencyCap;
            }
        }

        var domain = sc.Domain.AsSpan(0, words);
        for (var s = 0; s < slotCount; s++)
        {
            Bits.SetFirst(domain.Slice(c.SlotWordOffset[s], c.SlotWords[s]), c.SlotSize[s]);
        }

        var decided = sc.Decided.AsSpan(0, words);
        var included = sc.Included.AsSpan(0, words);
        decided.Clear();
        included.Clear();
        ApplyRules(c, sc, state, domain, decided, included, fired);
        ApplyIncludeGating(c, sc, domain, included);
        ApplyAssetCaps(c, sc, frequency, now, domain);
        ApplyPins(c, sc, domain);
        for (var s = 0; s < slotCount; s++)
        {
            if (!Bits.Any(domain.Slice(c.SlotWordOffset[s], c.SlotWords[s])))
            {
                return DefaultReason.NoEligibleAsset;
            }
        }

        if (c.CombinationCaps.Length > 0)
        {
            CollectCappedCombinations(c, sc, frequency, now);
        }

        if (request.Consent == ConsentLevel.Full && c.ModelSegments.Length > 0)
        {
            var segments = request.Segments;
            for (var i = 0; i < segments.Count; i++)
            {
                if (c.SegmentBucket.TryGetValue(segments[i], out var b) && (bucket == 0 || b < bucket))
                {
                    bucket = b;
                }
            }
        }

        ContextFeatures.Compute(c, state, sc);
        return DefaultReason.None;
    }

    private static bool InAnyDaypart(CompiledCampaign c, RequestState state)
    {
        foreach (var (from, to, mask) in c.Dayparts)
        {
            if (CompiledCondition.InWindow(state.LocalTime, state.DayOfWeek, from, to, mask))
            {
                return true;
            }
        }

        return false;
    }

    internal static int CountInWindow(IReadOnlyList<DateTimeOffset>? impressions, long nowTicks, long windowTicks)
    {
        if (impressions is null)
        {
            return 0;
        }

        var from = nowTicks - windowTicks;
        if (impressions is ImpressionTimes times)
        {
            return times.CountAfter(from);
        }

        var count = 0;
        for (var i = 0; i < impressions.Count; i++)
        {
            if (impressions[i].UtcTicks > from)
            {
                count++;
            }
        }

        return count;
    }

    private static void ApplyRules(
        CompiledCampaign c, DecisionScratch sc, RequestState state,
        Span<ulong> domain, Span<ulong> decided, Span<ulong> included, Span<ulong> fired)
    {
        var pinCursor = 0;
        foreach (var rule in c.Rules)
        {
            var condition = rule.Condition;
            var action = rule.Definition.Action;
            if (action == RuleActionKind.Pin)
            {
                sc.PinRules[sc.PinCount] = rule.Index;
                sc.PinStart[sc.PinCount] = pinCursor;
            }

            var any = false;
            if (rule.SignalsOnly)
            {
                var targets = rule.FiredTargets(state);
                any = targets.Length > 0;
                foreach (var a in targets)
                {
                    Apply(c, sc, rule, action, a, domain, decided, included, ref pinCursor);
                }
            }
            else if (condition is null || !condition.PerAsset)
            {
                if (condition is not null && !condition.Evaluate(state, -1))
                {
                    continue;
                }

                any = true;
                foreach (var a in rule.Targets)
                {
                    Apply(c, sc, rule, action, a, domain, decided, included, ref pinCursor);
                }
            }
            else
            {
                foreach (var a in rule.Targets)
                {
                    if (condition.Evaluate(state, a))
                    {
                        any = true;
                        Apply(c, sc, rule, action, a, domain, decided, included, ref pinCursor);
                    }
                }
            }

            if (any)
            {
                Bits.Set(fired, rule.Index);
                if (action == RuleActionKind.Pin)
                {
                    sc.PinCount++;
                    sc.PinStart[sc.PinCount] = pinCursor;
                }
            }
        }
    }

    private static void Apply(
        CompiledCampaign c, DecisionScratch sc, CompiledRule rule, RuleActionKind action, int a,
        Span<ulong> domain, Span<ulong> decided, Span<ulong> included, ref int pinCursor)
    {
        switch (action)
        {
            case RuleActionKind.Exclude:
                if (!c.HasAsset(decided, a))
                {
                    c.SetAsset(decided, a);
                    Exclude(c, sc, domain, a, ExclusionReason.ExcludedByRule, rule.Index);
                }

                break;
            case RuleActionKind.Include:
                if (!c.HasAsset(decided, a))
                {
                    c.SetAsset(decided, a);
                    c.SetAsset(included, a);
                }

                break;
            case RuleActionKind.Boost:
                sc.Boost[a] *= rule.Definition.BoostFactor;
                break;
            default:
                sc.PinAssets[pinCursor++] = a;
                break;
        }
    }

    private static void Exclude(CompiledCampaign c, DecisionScratch sc, Span<ulong> domain, int a, ExclusionReason reason, int rule)
    {
        if (!c.HasAsset(domain, a))
        {
            return;
        }

        c.ClearAsset(domain, a);
        if (sc.Reason[a] == 0)
        {
            sc.Reason[a] = (byte)(reason + 1);
            sc.ReasonRule[a] = (short)rule;
        }
    }

    private static void ApplyIncludeGating(CompiledCampaign c, DecisionScratch sc, Span<ulong> domain, Span<ulong> included)
    {
        var gated = c.GatedWords;
        for (var s = 0; s < c.SlotCount; s++)
        {
            for (var wi = 0; wi < c.SlotWords[s]; wi++)
            {
                var w = c.SlotWordOffset[s] + wi;
                var notIncluded = gated[w] & ~included[w] & domain[w];
                while (notIncluded != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(notIncluded);
                    notIncluded &= notIncluded - 1;
                    Exclude(c, sc, domain, c.SlotStart[s] + (wi << 6) + bit, ExclusionReason.NotIncluded, -1);
                }
            }
        }
    }

    private static void ApplyAssetCaps(CompiledCampaign c, DecisionScratch sc, ViewerFrequency frequency, long now, Span<ulong> domain)
    {
        if (c.AssetCaps.Length == 0)
        {
            return;
        }

        var times = frequency.AssetTimes;
        for (var row = 0; row < times.Count; row++)
        {
            // The row's count first, from one contiguous array: a row holding fewer times than the lowest cap
            // allows reaches no cap, and is not looked up.
            if (times.HeldAt(row) < c.AssetCapFloor || !c.AssetIndex.TryGetValue(times.KeyAt(row), out var a))
            {
                continue;
            }

            foreach (var cap in c.AssetCaps)
            {
                if ((cap.Targets is null || c.HasAsset(cap.Targets, a))
                    && times.CountAfter(row, now - cap.WindowTicks) >= cap.MaxImpressions)
                {
                    Exclude(c, sc, domain, a, ExclusionReason.AssetFrequencyCap, -1);
                    break;
                }
            }
        }
    }

    /// <summary>The highest-priority fired pin with an eligible target in a slot restricts that slot to its eligible targets.</summary>
    private static void ApplyPins(CompiledCampaign c, DecisionScratch sc, Span<ulong> domain)
    {
        if (sc.PinCount == 0)
        {
            return;
        }

        var mask = sc.Levels.AsSpan(0, c.TotalWords);
        for (var p = 0; p < sc.PinCount; p++)
        {
            mask.Clear();
            for (var i = sc.PinStart[p]; i < sc.PinStart[p + 1]; i++)
            {
                var a = sc.PinAssets[i];
                if (c.HasAsset(domain, a))
                {
                    c.SetAsset(mask, a);
                }
            }

            var rule = (short)sc.PinRules[p];
            for (var s = 0; s < c.SlotCount; s++)
            {
                var slice = mask.Slice(c.SlotWordOffset[s], c.SlotWords[s]);
                if (sc.PinnedBy[s] >= 0 || !Bits.Any(slice))
                {
                    continue;
                }

                sc.PinnedBy[s] = rule;
                var slotDomain = domain.Slice(c.SlotWordOffset[s], c.SlotWords[s]);
                for (var local = Bits.Next(slotDomain, 0); local >= 0; local = Bits.Next(slotDomain, local + 1))
                {
                    if (!Bits.Get(slice, local))
                    {
                        Exclude(c, sc, domain, c.SlotStart[s] + local, ExclusionReason.NotPinned, rule);
                    }
                }
            }
        }
    }

    private static void CollectCappedCombinations(CompiledCampaign c, DecisionScratch sc, ViewerFrequency frequency, long now)
    {
        var times = frequency.CombinationTimes;
        Span<int> combination = stackalloc int[c.SlotCount];
        for (var row = 0; row < times.Count; row++)
        {
            if (times.HeldAt(row) < c.CombinationCapFloor)
            {
                continue;
            }

            var capped = false;
            foreach (var cap in c.CombinationCaps)
            {
                if (times.CountAfter(row, now - cap.WindowTicks) >= cap.MaxImpressions)
                {
                    capped = true;
                    break;
                }
            }

            if (capped && TryParseCombination(c, times.KeyAt(row), combination) && AllEligible(c, sc, combination))
            {
                sc.AddNogood(combination);
            }
        }
    }

    private static bool AllEligible(CompiledCampaign c, DecisionScratch sc, ReadOnlySpan<int> combination)
    {
        foreach (var a in combination)
        {
            if (!c.HasAsset(sc.Domain, a))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses "id|id|…" (slot order) without allocating; false when it does not name one asset per slot.</summary>
    internal static bool TryParseCombination(CompiledCampaign c, ReadOnlySpan<char> key, Span<int> combination)
    {
        var s = 0;
        while (true)
        {
            var bar = key.IndexOf('|');
            var part = bar < 0 ? key : key[..bar];
            if (s >= c.SlotCount || !c.AssetIndexBySpan.TryGetValue(part, out var a) || c.AssetSlot[a] != s)
            {
                return false;
            }

            combination[s++] = a;
            if (bar < 0)
            {
                return s == c.SlotCount;
            }

            key = key[(bar + 1)..];
        }
    }

    private static DefaultReason Choose(
        CampaignSnapshot snapshot, DecisionScratch sc, DecisionRandom? random, ReadOnlySpan<int> forced, int bucket, ref double propensity)
    {
        var c = snapshot.Compiled;
        var slotCount = c.SlotCount;
        var words = c.TotalWords;
        var level0 = sc.Levels.AsSpan(0, words);
        sc.Domain.AsSpan(0, words).CopyTo(level0);
        var epsilon = c.Policy.ExplorationFloor;
        var kind = c.Policy.Kind;
        if (c.IsMatching && c.HasConstraints && !PruneUnsupportedPairs(c, sc, level0))
        {
            return DefaultReason.NoEligibleCombination;
        }

        for (var s = 0; s < slotCount; s++)
        {
            var slice = level0.Slice(c.SlotWordOffset[s], c.SlotWords[s]);
            var start = c.SlotStart[s];
            if ((c.SearchFrom[s] && !c.IsMatching) || AnyNogoodMatchesPrefix(c, sc, s))
            {
                KeepCompletable(c, sc, s, slice);
            }

            var n = 0;
            var candidates = sc.Candidates;
            for (var wi = 0; wi < slice.Length; wi++)
            {
                var word = slice[wi];
                while (word != 0)
                {
                    candidates[n++] = start + (wi << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                }
            }

            if (n == 0)
            {
                if (s == 0)
                {
                    return DefaultReason.NoEligibleCombination;
                }

                throw new InvalidOperationException($"Slot {c.SlotNames[s]} has no feasible asset although the earlier choices had a completion.");
            }

            var total = Weigh(snapshot, sc, kind, s, n, bucket);
            int index;
            var mode = ChoiceMode.Exploit;
            if (!forced.IsEmpty)
            {
                index = sc.Candidates.AsSpan(0, n).IndexOf(forced[s]);
                if (index < 0)
                {
                    propensity = 0;
                    return DefaultReason.None;
                }
            }
            else if (epsilon > 0 && random!.NextDouble() < epsilon)
            {
                mode = ChoiceMode.Explore;
                index = random.NextInt(n);
            }
            else if (total > 0)
            {
                index = SampleWeighted(sc.Weights, n, total, random!);
            }
            else
            {
                index = random!.NextInt(n);
            }

            var exploit = total > 0 ? sc.Weights[index] / total : 1.0 / n;
            var probability = ((1 - epsilon) * exploit) + (epsilon / n);
            var chosen = sc.Candidates[index];
            sc.Chosen[s] = chosen;
            sc.StepProbability[s] = probability;
            sc.Mode[s] = mode;
            sc.FeasibleCount[s] = n;
            propensity *= probability;
            ForwardCheck(c, sc, level0, s, chosen);
        }

        return DefaultReason.None;
    }

    private static int SampleWeighted(double[] weights, int n, double total, DecisionRandom random)
    {
        var r = random.NextDouble() * total;
        var last = -1;
        for (var i = 0; i < n; i++)
        {
            var w = weights[i];
            if (w <= 0)
            {
                continue;
            }

            last = i;
            r -= w;
            if (r < 0)
            {
                return i;
            }
        }

        return last;
    }

    /// <summary>Fills sc.Weights for the n candidates (and sc.Scores for explanations); returns their sum.</summary>
    internal static double Weigh(CampaignSnapshot snapshot, DecisionScratch sc, PolicyKind kind, int s, int n, int bucket)
    {
        var c = snapshot.Compiled;
        var weights = sc.Weights;
        var total = 0.0;
        switch (kind)
        {
            case PolicyKind.FactorizedThompson:
            {
                var model = snapshot.Model;
                var partner = c.PartnerSlot[s];
                var pair = partner >= 0 ? model.PairScores[s] : null;
                var table = pair ?? model.Scores;
                var offset = pair is not null
                    ? ((((bucket * c.SlotSize[partner]) + (sc.Chosen[partner] - c.SlotStart[partner])) * c.SlotSize[s]) - c.SlotStart[s])
                    : bucket * c.AssetCount;
                var candidates = sc.Candidates;
                var boost = sc.Boost;
                var scores = sc.Scores;
                for (var i = 0; i < n; i++)
                {
                    var g = candidates[i];
                    double score = table[offset + g];
                    scores[i] = score;
                    var w = score * boost[g];
                    weights[i] = w;
                    total += w;
                }

                break;
            }

            case PolicyKind.ContextualLinear:
            {
                var linear = snapshot.Model.Linear!;
                var best = double.NegativeInfinity;
                for (var i = 0; i < n; i++)
                {
                    var g = sc.Candidates[i];
                    var ucb = ContextFeatures.UpperConfidenceBound(linear, g, sc.Features.AsSpan(0, sc.FeatureCount));
                    sc.Scores[i] = ucb;
                    var w = Math.Max(ucb, 0) * sc.Boost[g];
                    weights[i] = w;
                    best = Math.Max(best, w);
                }

                var tolerance = Math.Abs(best) * 1e-12;
                for (var i = 0; i < n; i++)
                {
                    weights[i] = weights[i] >= best - tolerance ? 1 : 0;
                    total += weights[i];
                }

                break;
            }

            case PolicyKind.UniformRandom:
                for (var i = 0; i < n; i++)
                {
                    sc.Scores[i] = 1;
                    weights[i] = 1;
                }

                total = n;
                break;

            default:
                var fixedAsset = c.FixedAssets[s];
                for (var i = 0; i < n; i++)
                {
                    var w = sc.Candidates[i] == fixedAsset ? 1 : 0;
                    sc.Scores[i] = w;
                    weights[i] = w;
                    total += w;
                }

                break;
        }

        return total;
    }

    /// <summary>Removes from later slots what is incompatible with the asset just chosen.</summary>
    private static void ForwardCheck(CompiledCampaign c, DecisionScratch sc, Span<ulong> level0, int s, int chosen)
    {
        if (!c.HasConstraints)
        {
            return;
        }

        var local = chosen - c.SlotStart[s];
        for (var t = s + 1; t < c.SlotCount; t++)
        {
            var matrix = c.Compat[(s * c.SlotCount) + t];
            if (matrix is null)
            {
                continue;
            }

            var wordsT = c.SlotWords[t];
            var row = matrix.AsSpan(local * wordsT, wordsT);
            var slice = level0.Slice(c.SlotWordOffset[t], wordsT);
            for (var wi = 0; wi < wordsT; wi++)
            {
                var removed = slice[wi] & ~row[wi];
                slice[wi] &= row[wi];
                while (removed != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(removed);
                    removed &= removed - 1;
                    var g = c.SlotStart[t] + (wi << 6) + bit;
                    if (sc.Reason[g] == 0)
                    {
                        sc.Reason[g] = (byte)(ExclusionReason.IncompatibleWithEarlierChoice + 1);
                        sc.ReasonRule[g] = -1;
                    }
                }
            }
        }
    }

    private static bool AnyNogoodMatchesPrefix(CompiledCampaign c, DecisionScratch sc, int s)
    {
        for (var k = 0; k < sc.NogoodCount; k++)
        {
            var nogood = sc.Nogoods.AsSpan(k * c.SlotCount, c.SlotCount);
            var match = true;
            for (var t = 0; t < s && match; t++)
            {
                match = nogood[t] == sc.Chosen[t];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// When constraints form a matching (each slot constrained with at most one other), arc consistency on
    /// each constrained pair is exact: after it, every remaining asset has a completion and choosing one
    /// (then forward checking its partner) keeps it so — no search is needed. False when a slot empties.
    /// </summary>
    private static bool PruneUnsupportedPairs(CompiledCampaign c, DecisionScratch sc, Span<ulong> level0)
    {
        for (var s = 0; s < c.SlotCount; s++)
        {
            var t = c.ConstraintPartner[s];
            if (t <= s)
            {
                continue;
            }

            if (!KeepSupported(c, sc, s, t, level0) || !KeepSupported(c, sc, t, s, level0))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes from slot s the assets with no compatible asset left in slot t; false if slot s empties.</summary>
    private static bool KeepSupported(CompiledCampaign c, DecisionScratch sc, int s, int t, Span<ulong> level0)
    {
        var matrix = c.Compat[(s * c.SlotCount) + t]!;
        var wordsT = c.SlotWords[t];
        var partner = level0.Slice(c.SlotWordOffset[t], wordsT);
        var slice = level0.Slice(c.SlotWordOffset[s], c.SlotWords[s]);
        var start = c.SlotStart[s];
        for (var local = Bits.Next(slice, 0); local >= 0; local = Bits.Next(slice, local + 1))
        {
            var row = matrix.AsSpan(local * wordsT, wordsT);
            var supported = false;
            for (var w = 0; w < wordsT && !supported; w++)
            {
                supported = (row[w] & partner[w]) != 0;
            }

            if (!supported)
            {
                Bits.Clear(slice, local);
                var g = start + local;
                if (sc.Reason[g] == 0)
                {
                    sc.Reason[g] = (byte)(ExclusionReason.NoCompatibleCompletion + 1);
                    sc.ReasonRule[g] = -1;
                }
            }
        }

        return Bits.Any(slice);
    }

    /// <summary>
    /// Keeps in <paramref name="slice"/> only the assets of slot s that have a completion (a full combination
    /// satisfying every constraint and avoiding capped combinations). Each depth-first search yields a witness
    /// completion; every other candidate compatible with that witness is accepted at once, in bulk, with bitsets.
    /// </summary>
    private static void KeepCompletable(CompiledCampaign c, DecisionScratch sc, int s, Span<ulong> slice)
    {
        var wordsS = c.SlotWords[s];
        var remaining = sc.Remaining.AsSpan(0, wordsS);
        var feasible = sc.Feasible.AsSpan(0, wordsS);
        var fits = sc.Fits.AsSpan(0, wordsS);
        slice.CopyTo(remaining);
        feasible.Clear();
        var start = c.SlotStart[s];
        for (var local = Bits.Next(remaining, 0); local >= 0; local = Bits.Next(remaining, local + 1))
        {
            var g = start + local;
            if (!SearchCompletion(c, sc, s, g))
            {
                Bits.Clear(remaining, local);
                if (sc.Reason[g] == 0)
                {
                    sc.Reason[g] = (byte)(ExclusionReason.NoCompatibleCompletion + 1);
                    sc.ReasonRule[g] = -1;
                }

                continue;
            }

            WitnessFits(c, sc, s, fits);
            for (var w = 0; w < wordsS; w++)
            {
                var accepted = fits[w] & remaining[w];
                feasible[w] |= accepted;
                remaining[w] &= ~accepted;
            }

            Bits.Set(feasible, local);
            Bits.Clear(remaining, local);
        }

        feasible.CopyTo(slice);
    }

    /// <summary>Assets of slot s that complete the current witness (sc.Witness for slots after s) into a valid combination.</summary>
    private static void WitnessFits(CompiledCampaign c, DecisionScratch sc, int s, Span<ulong> fits)
    {
        var wordsS = c.SlotWords[s];
        Bits.SetFirst(fits, c.SlotSize[s]);
        for (var t = s + 1; t < c.SlotCount; t++)
        {
            var matrix = c.Compat[(t * c.SlotCount) + s];
            if (matrix is not null)
            {
                Bits.And(fits, matrix.AsSpan((sc.Witness[t] - c.SlotStart[t]) * wordsS, wordsS));
            }
        }

        for (var k = 0; k < sc.NogoodCount; k++)
        {
            var nogood = sc.Nogoods.AsSpan(k * c.SlotCount, c.SlotCount);
            var match = true;
            for (var t = 0; t < c.SlotCount && match; t++)
            {
                match = t == s || nogood[t] == (t < s ? sc.Chosen[t] : sc.Witness[t]);
            }

            if (match)
            {
                Bits.Clear(fits, nogood[s] - c.SlotStart[s]);
            }
        }
    }

    /// <summary>Depth-first search for a completion of the prefix plus asset g at slot s (witness left in sc.Witness).</summary>
    private static bool SearchCompletion(CompiledCampaign c, DecisionScratch sc, int s, int g)
    {
        sc.Witness[s] = g;
        var words = c.TotalWords;
        var level0 = sc.Levels.AsSpan(0, words);
        var level1 = sc.Levels.AsSpan(words, words);
        if (!Propagate(c, level0, level1, s, g))
        {
            return false;
        }

        return s + 1 == c.SlotCount ? !IsNogood(c, sc, s) : Solve(c, sc, s + 1, 1, s);
    }

    /// <summary>Copies slots after s from one level to the next, restricted by asset g at slot s; false if one becomes empty.</summary>
    private static bool Propagate(CompiledCampaign c, ReadOnlySpan<ulong> from, Span<ulong> to, int s, int g)
    {
        var local = g - c.SlotStart[s];
        for (var t = s + 1; t < c.SlotCount; t++)
        {
            var offset = c.SlotWordOffset[t];
            var wordsT = c.SlotWords[t];
            var target = to.Slice(offset, wordsT);
            from.Slice(offset, wordsT).CopyTo(target);
            var matrix = c.Compat[(s * c.SlotCount) + t];
            if (matrix is not null)
            {
                Bits.And(target, matrix.AsSpan(local * wordsT, wordsT));
                if (!Bits.Any(target))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Depth-first search for a completion of slots t.. (witness written to sc.Witness).</summary>
    private static bool Solve(CompiledCampaign c, DecisionScratch sc, int t, int level, int firstOpen)
    {
        var words = c.TotalWords;
        var current = sc.Levels.AsSpan(level * words, words);
        var slice = current.Slice(c.SlotWordOffset[t], c.SlotWords[t]);
        var last = t + 1 == c.SlotCount;
        for (var local = Bits.Next(slice, 0); local >= 0; local = Bits.Next(slice, local + 1))
        {
            var g = c.SlotStart[t] + local;
            sc.Witness[t] = g;
            if (last)
            {
                if (!IsNogood(c, sc, firstOpen))
                {
                    return true;
                }

                continue;
            }

            var next = sc.Levels.AsSpan((level + 1) * words, words);
            if (Propagate(c, current, next, t, g) && Solve(c, sc, t + 1, level + 1, firstOpen))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the combination Chosen[..firstOpen] + Witness[firstOpen..] is a capped combination.</summary>
    internal static bool IsNogood(CompiledCampaign c, DecisionScratch sc, int firstOpen)
    {
        var slotCount = c.SlotCount;
        for (var k = 0; k < sc.NogoodCount; k++)
        {
            var nogood = sc.Nogoods.AsSpan(k * slotCount, slotCount);
            var match = true;
            for (var s = 0; s < slotCount && match; s++)
            {
                match = nogood[s] == (s < firstOpen ? sc.Chosen[s] : sc.Witness[s]);
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }
}
