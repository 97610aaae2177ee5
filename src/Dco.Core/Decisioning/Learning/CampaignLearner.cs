using Dco.Core.Decisioning.Engine;

namespace Dco.Core.Decisioning;

/// <summary>
/// Mutable learning state of one campaign: discounted reward statistics per (segment, asset), per
/// (segment, asset pair) for interacting slots, and per-asset ridge statistics for the contextual
/// policy. Updates are O(slots) (plus O(features²) per slot for the contextual policy), idempotent per
/// event id and order-independent. Thread-safe (one lock); meant for a single feedback consumer.
/// </summary>
public sealed class CampaignLearner : IFeedbackLearner
{
    private const double MeanTieBreak = 1e-3;

    private readonly Lock _gate = new();
    private readonly CompiledCampaign _campaign;
    private readonly PolicySettings _policy;
    private readonly double _lambdaPerTick;
    private readonly RewardCell[] _cells;
    private readonly RewardCell[]?[] _pairCells;
    private readonly LinearCell[]? _linear;
    private readonly int _dimensions;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private long _newestTicks = long.MinValue;
    private long _version;

    public CampaignLearner(CampaignDefinition campaign)
        : this(new CompiledCampaign(campaign))
    {
    }

    internal CampaignLearner(CompiledCampaign campaign)
    {
        _campaign = campaign;
        _policy = campaign.Policy;
        _lambdaPerTick = _policy.HalfLife is { } halfLife ? Math.Log(2) / halfLife.Ticks : 0;
        _cells = new RewardCell[campaign.BucketCount * campaign.AssetCount];
        _pairCells = new RewardCell[]?[campaign.SlotCount];
        for (var j = 0; j < campaign.SlotCount; j++)
        {
            var i = campaign.PartnerSlot[j];
            if (i >= 0)
            {
                _pairCells[j] = new RewardCell[campaign.BucketCount * campaign.SlotSize[i] * campaign.SlotSize[j]];
            }
        }

        _dimensions = _policy.FeatureDimensions;
        if (_policy.Kind == PolicyKind.ContextualLinear)
        {
            _linear = new LinearCell[campaign.AssetCount];
        }
    }

    public string CampaignId => _campaign.Definition.Id;

    /// <summary>Number of events applied so far (the model version of the next build).</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public FeedbackOutcome Apply(DecisionRecord decision, FeedbackEvent feedback)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (string.IsNullOrEmpty(feedback.EventId))
        {
            throw new ArgumentException("A feedback event needs an event id (idempotency key).", nameof(feedback));
        }

        if (!string.Equals(feedback.DecisionId, decision.DecisionId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Event {feedback.EventId} refers to decision {feedback.DecisionId}, not to {decision.DecisionId}.", nameof(feedback));
        }

        if (!string.Equals(decision.CampaignId, CampaignId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Decision {decision.DecisionId} belongs to campaign {decision.CampaignId}, not {CampaignId}.", nameof(decision));
        }

        if (!Enum.IsDefined(feedback.Kind))
        {
            throw new ArgumentException($"Event {feedback.EventId} has unknown kind {feedback.Kind}.", nameof(feedback));
        }

        if (!double.IsFinite(feedback.Value))
        {
            throw new ArgumentException($"Event {feedback.EventId} has a non-finite value.", nameof(feedback));
        }

        if (decision.IsDefault)
        {
            return FeedbackOutcome.NotLearnable;
        }

        var ticks = feedback.OccurredAt.UtcTicks;
        lock (_gate)
        {
            if (_seen.Contains(feedback.EventId))
            {
                return FeedbackOutcome.Duplicate;
            }

            if (_newestTicks != long.MinValue && ticks < _newestTicks - _policy.DeduplicationWindow.Ticks)
            {
                return FeedbackOutcome.TooOld;
            }

            Remember(feedback.EventId);
            _newestTicks = Math.Max(_newestTicks, ticks);
            _version++;
            Learn(decision, feedback, ticks);
            return FeedbackOutcome.Applied;
        }
    }

    public PolicyModel BuildModel(DateTimeOffset now, ulong seed)
    {
        lock (_gate)
        {
            var random = new DecisionRandom(seed);
            var c = _campaign;
            var scores = new float[c.BucketCount * c.AssetCount];
            var pairScores = new float[]?[c.SlotCount];
            var nowTicks = now.UtcTicks;
            var maxSe = 0.0;
            var draws = _policy.ProbabilityDraws;
            var variance = PooledValueVariance(nowTicks);
            var alpha = new double[c.AssetCount];
            var beta = new double[c.AssetCount];
            var means = new double[c.AssetCount];

            for (var b = 0; b < c.BucketCount; b++)
            {
                for (var s = 0; s < c.SlotCount; s++)
                {
                    var n = c.SlotSize[s];
                    var start = c.SlotStart[s];
                    for (var k = 0; k < n; k++)
                    {
                        var prior = b == 0 ? (Mean: 0.5, Strength: 0.0) : (Mean: Posterior(0, start + k, nowTicks, variance, 0, 0).Mean, Strength: _policy.PriorStrength);
                        var p = Posterior(b, start + k, nowTicks, variance, prior.Mean, prior.Strength);
                        (alpha[k], beta[k], means[k]) = (p.A, p.B, p.Mean);
                    }

                    maxSe = Math.Max(maxSe, FillProbabilityOfBest(scores.AsSpan((b * c.AssetCount) + start, n), alpha, beta, means, n, draws, random));
                }
            }

            for (var j = 0; j < c.SlotCount; j++)
            {
                var cells = _pairCells[j];
                if (cells is null)
                {
                    continue;
                }

                var i = c.PartnerSlot[j];
                var ni = c.SlotSize[i];
                var nj = c.SlotSize[j];
                var table = new float[c.BucketCount * ni * nj];
                for (var b = 0; b < c.BucketCount; b++)
                {
                    for (var a = 0; a < ni; a++)
                    {
                        for (var k = 0; k < nj; k++)
                        {
                            var marginal = Posterior(b, c.SlotStart[j] + k, nowTicks, variance,
                                b == 0 ? 0.5 : Posterior(0, c.SlotStart[j] + k, nowTicks, variance, 0, 0).Mean,
                                b == 0 ? 0 : _policy.PriorStrength);
                            var cell = Decayed(cells[(((b * ni) + a) * nj) + k], nowTicks);
                            var p = FromCell(cell, variance, marginal.Mean, _policy.PriorStrength);
                            (alpha[k], beta[k], means[k]) = (p.A, p.B, p.Mean);
                        }

                        maxSe = Math.Max(maxSe, FillProbabilityOfBest(table.AsSpan(((b * ni) + a) * nj, nj), alpha, beta, means, nj, draws, random));
                    }
                }

                pairScores[j] = table;
            }

            var linear = _linear is null ? null : BuildLinear(nowTicks);
            var buckets = new string[c.BucketCount];
            buckets[0] = "*";
            c.ModelSegments.CopyTo(buckets, 1);
            return new PolicyModel(CampaignId, _version, now, c.AssetIds, buckets, scores, pairScores, maxSe, linear);
        }
    }

    /// <summary>Serializable copy of the learning state (sparse: only cells with evidence), with the remembered event ids.</summary>
    public LearnerStateDocument Export()
    {
        lock (_gate)
        {
            var c = _campaign;
            var cells = new List<RewardCellDocument>();
            for (var b = 0; b < c.BucketCount; b++)
            {
                for (var a = 0; a < c.AssetCount; a++)
                {
                    var cell = _cells[(b * c.AssetCount) + a];
                    if (!cell.IsEmpty)
                    {
                        cells.Add(ToDocument(BucketName(b), c.AssetIds[a], null, cell));
                    }
                }
            }

            for (var j = 0; j < c.SlotCount; j++)
            {
                if (_pairCells[j] is not { } pairs)
                {
                    continue;
                }

                var i = c.PartnerSlot[j];
                var (ni, nj) = (c.SlotSize[i], c.SlotSize[j]);
                for (var idx = 0; idx < pairs.Length; idx++)
                {
                    if (pairs[idx].IsEmpty)
                    {
                        continue;
                    }

                    var b = idx / (ni * nj);
                    var a = idx / nj % ni;
                    var k = idx % nj;
                    cells.Add(ToDocument(BucketName(b), c.AssetIds[c.SlotStart[i] + a], c.AssetIds[c.SlotStart[j] + k], pairs[idx]));
                }
            }

            var linear = new List<LinearCellDocument>();
            if (_linear is not null)
            {
                for (var a = 0; a < _linear.Length; a++)
                {
                    if (_linear[a].A is { } matrix)
                    {
                        linear.Add(new LinearCellDocument
                        {
                            AssetId = c.AssetIds[a],
                            Scale = _linear[a].Scale,
                            UpdatedTicks = _linear[a].Ticks,
                            A = (double[])matrix.Clone(),
                            B = (double[])_linear[a].B!.Clone(),
                        });
                    }
                }
            }

            return new LearnerStateDocument
            {
                CampaignId = CampaignId,
                Version = _version,
                NewestEventTicks = _newestTicks == long.MinValue ? null : _newestTicks,
                FeatureDimensions = _dimensions,
                Cells = cells,
                Linear = linear,
                SeenEventIds = _seenOrder.ToArray(),
            };
        }
    }

    /// <summary>
    /// Restores a learner from <paramref name="state"/> for <paramref name="campaign"/> (which may have changed
    /// since: evidence is matched by asset id and segment name, evidence of removed assets or segments is dropped).
    /// </summary>
    public static CampaignLearner Import(CampaignDefinition campaign, LearnerStateDocument state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var learner = new CampaignLearner(campaign);
        var c = learner._campaign;
        if (!string.Equals(state.CampaignId, c.Definition.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"State of campaign {state.CampaignId} cannot be loaded into campaign {c.Definition.Id}.", nameof(state));
        }

        foreach (var doc in state.Cells ?? [])
        {
            var bucket = doc.Segment == "*" ? 0 : c.SegmentBucket.GetValueOrDefault(doc.Segment, -1);
            if (bucket < 0 || !c.AssetIndex.TryGetValue(doc.AssetId, out var a))
            {
                continue;
            }

            var cell = FromDocument(doc);
            if (doc.PartnerAssetId is null)
            {
                learner._cells[(bucket * c.AssetCount) + a] = cell;
                continue;
            }

            if (!c.AssetIndex.TryGetValue(doc.PartnerAssetId, out var k))
            {
                continue;
            }

            var j = c.AssetSlot[k];
            var i = c.PartnerSlot[j];
            if (i < 0 || c.AssetSlot[a] != i)
            {
                continue;
            }

            learner._pairCells[j]![(((bucket * c.SlotSize[i]) + (a - c.SlotStart[i])) * c.SlotSize[j]) + (k - c.SlotStart[j])] = cell;
        }

        if (learner._linear is not null && state.FeatureDimensions == learner._dimensions)
        {
            var d = learner._dimensions;
            foreach (var doc in state.Linear ?? [])
            {
                if (!c.AssetIndex.TryGetValue(doc.AssetId, out var a))
                {
                    continue;
                }

                if (doc.A is null || doc.B is null || doc.A.Length != d * d || doc.B.Length != d)
                {
                    throw new ArgumentException($"Linear state of asset {doc.AssetId} does not have {d}×{d} dimensions.", nameof(state));
                }

                learner._linear[a] = new LinearCell { A = (double[])doc.A.Clone(), B = (double[])doc.B.Clone(), Scale = doc.Scale, Ticks = doc.UpdatedTicks };
            }
        }

        foreach (var id in state.SeenEventIds ?? [])
        {
            learner.Remember(id);
        }

        learner._newestTicks = state.NewestEventTicks ?? long.MinValue;
        learner._version = state.Version;
        return learner;
    }

    private void Remember(string eventId)
    {
        if (!_seen.Add(eventId))
        {
            return;
        }

        _seenOrder.Enqueue(eventId);
        while (_seenOrder.Count > _policy.DeduplicationCapacity)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }
    }

    private void Learn(DecisionRecord decision, FeedbackEvent feedback, long ticks)
    {
        var c = _campaign;
        var bucket = decision.ModelSegment is { } segment ? c.SegmentBucket.GetValueOrDefault(segment, 0) : 0;
        var ids = decision.AssetIds;
        var count = Math.Min(ids.Count, c.SlotCount);
        Span<int> chosen = stackalloc int[c.SlotCount];
        for (var s = 0; s < c.SlotCount; s++)
        {
            chosen[s] = s < count && c.AssetIndex.TryGetValue(ids[s], out var a) && c.AssetSlot[a] == s ? a : -1;
        }

        for (var s = 0; s < c.SlotCount; s++)
        {
            var a = chosen[s];
            if (a < 0)
            {
                continue;
            }

            Add(ref _cells[(bucket * c.AssetCount) + a], ticks, feedback);
            if (bucket != 0)
            {
                Add(ref _cells[a], ticks, feedback);
            }

            var i = c.PartnerSlot[s];
            if (i >= 0 && chosen[i] >= 0)
            {
                var (ni, nj) = (c.SlotSize[i], c.SlotSize[s]);
                var offset = ((chosen[i] - c.SlotStart[i]) * nj) + (a - c.SlotStart[s]);
                var cells = _pairCells[s]!;
                Add(ref cells[(bucket * ni * nj) + offset], ticks, feedback);
                if (bucket != 0)
                {
                    Add(ref cells[offset], ticks, feedback);
                }
            }

            if (_linear is not null)
            {
                LearnLinear(ref _linear[a], decision.Features, ticks, feedback);
            }
        }
    }

    private void Add(ref RewardCell cell, long ticks, FeedbackEvent feedback)
    {
        var weight = 1.0;
        if (_lambdaPerTick > 0)
        {
            if (cell.IsEmpty)
            {
                cell.Ticks = ticks;
            }
            else if (ticks > cell.Ticks)
            {
                cell.Scale(Math.Exp(-_lambdaPerTick * (ticks - cell.Ticks)));
                cell.Ticks = ticks;
            }
            else
            {
                weight = Math.Exp(-_lambdaPerTick * (cell.Ticks - ticks));
            }
        }
        else if (ticks > cell.Ticks)
        {
            cell.Ticks = ticks;
        }

        switch (feedback.Kind)
        {
            case FeedbackKind.Impression:
                cell.Impressions += weight;
                break;
            case FeedbackKind.Click:
                cell.Clicks += weight;
                break;
            default:
                cell.Conversions += weight;
                cell.Value += weight * feedback.Value;
                cell.ValueSquares += weight * feedback.Value * feedback.Value;
                break;
        }
    }

    private void LearnLinear(ref LinearCell cell, IReadOnlyList<int> features, long ticks, FeedbackEvent feedback)
    {
        var reward = feedback.Kind switch
        {
            FeedbackKind.Impression => 0.0,
            FeedbackKind.Click => _policy.Reward == RewardKind.Click ? 1.0 : 0.0,
            _ => _policy.Reward switch
            {
                RewardKind.Conversion => 1.0,
                RewardKind.ConversionValue => feedback.Value,
                _ => 0.0,
            },
        };
        if (feedback.Kind != FeedbackKind.Impression && reward == 0)
        {
            return;
        }

        var d = _dimensions;
        cell.A ??= new double[d * d];
        cell.B ??= new double[d];
        if (cell.Scale == 0)
        {
            cell.Scale = 1;
            cell.Ticks = ticks;
        }

        var weight = 1.0;
        if (_lambdaPerTick > 0)
        {
            if (ticks > cell.Ticks)
            {
                cell.Scale *= Math.Exp(-_lambdaPerTick * (ticks - cell.Ticks));
                cell.Ticks = ticks;
            }
            else
            {
                weight = Math.Exp(-_lambdaPerTick * (cell.Ticks - ticks));
            }

            if (cell.Scale < 1e-100)
            {
                cell.Renormalize();
            }
        }

        var w = weight / cell.Scale;
        var a = cell.A;
        var bVector = cell.B;
        for (var x = 0; x < features.Count; x++)
        {
            var fx = features[x];
            if ((uint)fx >= (uint)d)
            {
                continue;
            }

            if (feedback.Kind == FeedbackKind.Impression)
            {
                var row = fx * d;
                for (var y = 0; y < features.Count; y++)
                {
                    var fy = features[y];
                    if ((uint)fy < (uint)d)
                    {
                        a[row + fy] += w;
                    }
                }
            }
            else
            {
                bVector[fx] += w * reward;
            }
        }
    }

    private LinearTables BuildLinear(long nowTicks)
    {
        var c = _campaign;
        var d = _dimensions;
        var inverse = new float[c.AssetCount * d * d];
        var theta = new float[c.AssetCount * d];
        var ridge = _policy.Ridge;
        var matrix = new double[d * d];
        var inv = new double[d * d];
        var scaledB = new double[d];
        for (var asset = 0; asset < c.AssetCount; asset++)
        {
            var cell = _linear![asset];
            if (cell.A is null)
            {
                for (var i = 0; i < d; i++)
                {
                    inverse[(asset * d * d) + (i * d) + i] = (float)(1 / ridge);
                }

                continue;
            }

            var factor = cell.Scale * (_lambdaPerTick > 0 && nowTicks > cell.Ticks ? Math.Exp(-_lambdaPerTick * (nowTicks - cell.Ticks)) : 1);
            for (var i = 0; i < d * d; i++)
            {
                matrix[i] = cell.A[i] * factor;
            }

            for (var i = 0; i < d; i++)
            {
                matrix[(i * d) + i] += ridge;
                scaledB[i] = cell.B![i] * factor;
            }

            LinearAlgebra.InvertSymmetricPositiveDefinite(matrix, inv, d);
            for (var i = 0; i < d; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < d; j++)
                {
                    var v = inv[(i * d) + j];
                    inverse[(asset * d * d) + (i * d) + j] = (float)v;
                    sum += v * scaledB[j];
                }

                theta[(asset * d) + i] = (float)sum;
            }
        }

        return new LinearTables(d, _policy.UcbAlpha, inverse, theta);
    }

    private (double A, double B, double Mean) Posterior(int bucket, int asset, long nowTicks, double variance, double priorMean, double priorStrength) =>
        FromCell(Decayed(_cells[(bucket * _campaign.AssetCount) + asset], nowTicks), variance, priorMean, priorStrength);

    /// <summary>
    /// Beta(α, β) for click or conversion rewards; for value rewards A is the posterior mean and B its standard
    /// deviation (Gaussian). The prior is <paramref name="priorStrength"/> pseudo-impressions at <paramref name="priorMean"/> on top of Beta(1, 1).
    /// </summary>
    private (double A, double B, double Mean) FromCell(RewardCell cell, double variance, double priorMean, double priorStrength)
    {
        if (_policy.Reward == RewardKind.ConversionValue)
        {
            var n = cell.Impressions + priorStrength + 1;
            var mean = (cell.Value + (priorStrength * (priorStrength > 0 ? priorMean : 0))) / n;
            return (mean, Math.Sqrt(variance / n), mean);
        }

        var successes = _policy.Reward == RewardKind.Click ? cell.Clicks : cell.Conversions;
        var failures = Math.Max(0, cell.Impressions - successes);
        var alpha = 1 + successes + (priorStrength * priorMean);
        var beta = 1 + failures + (priorStrength * (1 - priorMean));
        return (alpha, beta, alpha / (alpha + beta));
    }

    private RewardCell Decayed(RewardCell cell, long nowTicks)
    {
        if (_lambdaPerTick > 0 && !cell.IsEmpty && nowTicks > cell.Ticks)
        {
            cell.Scale(Math.Exp(-_lambdaPerTick * (nowTicks - cell.Ticks)));
        }

        return cell;
    }

    private double PooledValueVariance(long nowTicks)
    {
        if (_policy.Reward != RewardKind.ConversionValue)
        {
            return 0;
        }

        double n = 0, sum = 0, squares = 0;
        for (var a = 0; a < _campaign.AssetCount; a++)
        {
            var cell = Decayed(_cells[a], nowTicks);
            n += cell.Impressions;
            sum += cell.Value;
            squares += cell.ValueSquares;
        }

        if (n < 2)
        {
            return 1;
        }

        var mean = sum / n;
        return Math.Max((squares / n) - (mean * mean), 1e-6);
    }

    /// <summary>Monte Carlo probability that each asset has the highest sampled reward; returns the largest standard error.</summary>
    private double FillProbabilityOfBest(Span<float> target, double[] alpha, double[] beta, double[] means, int n, int draws, DecisionRandom random)
    {
        var meanSum = 0.0;
        var identical = true;
        for (var k = 0; k < n; k++)
        {
            meanSum += Math.Max(means[k], 0);
            identical &= alpha[k] == alpha[0] && beta[k] == beta[0];
        }

        if (identical || n == 1)
        {
            target.Fill((float)(1.0 / n));
            return 0;
        }

        Span<int> wins = n <= 256 ? stackalloc int[n] : new int[n];
        wins.Clear();
        var gaussian = _policy.Reward == RewardKind.ConversionValue;
        for (var draw = 0; draw < draws; draw++)
        {
            var best = 0;
            var bestValue = double.NegativeInfinity;
            for (var k = 0; k < n; k++)
            {
                var value = gaussian ? alpha[k] + (beta[k] * random.NextGaussian()) : SampleBeta(alpha[k], beta[k], random);
                if (value > bestValue)
                {
                    bestValue = value;
                    best = k;
                }
            }

            wins[best]++;
        }

        var maxSe = 0.0;
        for (var k = 0; k < n; k++)
        {
            var p = (double)wins[k] / draws;
            maxSe = Math.Max(maxSe, Math.Sqrt(p * (1 - p) / draws));
            var tieBreak = meanSum > 0 ? MeanTieBreak * Math.Max(means[k], 0) / meanSum : MeanTieBreak / n;
            target[k] = (float)(p + tieBreak);
        }

        return maxSe;
    }

    /// <summary>Exact Beta draw for small counts; normal approximation once both parameters are large (error far below Monte Carlo noise).</summary>
    private static double SampleBeta(double alpha, double beta, DecisionRandom random)
    {
        if (alpha > 50 && beta > 50)
        {
            var sum = alpha + beta;
            var mean = alpha / sum;
            var sd = Math.Sqrt(mean * (1 - mean) / (sum + 1));
            return mean + (sd * random.NextGaussian());
        }

        return random.NextBeta(alpha, beta);
    }

    private string BucketName(int bucket) => bucket == 0 ? "*" : _campaign.ModelSegments[bucket - 1];

    private static RewardCellDocument ToDocument(string segment, string assetId, string? partner, RewardCell cell) => new()
    {
        Segment = segment,
        AssetId = assetId,
        PartnerAssetId = partner,
        Impressions = cell.Impressions,
        Clicks = cell.Clicks,
        Conversions = cell.Conversions,
        Value = cell.Value,
        ValueSquares = cell.ValueSquares,
        UpdatedTicks = cell.Ticks,
    };

    private static RewardCell FromDocument(RewardCellDocument doc) => new()
    {
        Impressions = doc.Impressions,
        Clicks = doc.Clicks,
        Conversions = doc.Conversions,
        Value = doc.Value,
        ValueSquares = doc.ValueSquares,
        Ticks = doc.UpdatedTicks,
    };

    private struct RewardCell
    {
        public double Impressions;
        public double Clicks;
        public double Conversions;
        public double Value;
        public double ValueSquares;
        public long Ticks;

        public readonly bool IsEmpty => Impressions == 0 && Clicks == 0 && Conversions == 0 && Ticks == 0;

        public void Scale(double factor)
        {
            Impressions *= factor;
            Clicks *= factor;
            Conversions *= factor;
            Value *= factor;
            ValueSquares *= factor;
        }
    }

    private struct LinearCell
    {
        public double[]? A;
        public double[]? B;
        public double Scale;
        public long Ticks;

        public void Renormalize()
        {
            for (var i = 0; i < A!.Length; i++)
            {
                A[i] *= Scale;
            }

            for (var i = 0; i < B!.Length; i++)
            {
                B[i] *= Scale;
            }

            Scale = 1;
        }
    }
}
