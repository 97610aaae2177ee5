namespace Dco.Core.Evaluation;

/// <summary>Settings shared by the estimators.</summary>
public sealed record OffPolicyOptions
{
    public double ConfidenceLevel { get; init; } = 0.95;

    public ConfidenceIntervalMethod IntervalMethod { get; init; } = ConfidenceIntervalMethod.Normal;

    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Seeds the bootstrap and the assignment of rows to cross-fitting folds.</summary>
    public int Seed { get; init; }

    /// <summary>Folds for the doubly robust estimator's cross-fitted reward model.</summary>
    public int CrossFitFolds { get; init; } = 5;

    public double RewardModelPriorStrength { get; init; } = SmoothedMeanRewardModel.DefaultPriorStrength;
}

/// <summary>
/// Off-policy estimators of a target policy's expected reward per round from logged bandit
/// feedback: inverse propensity scoring (IPS), self-normalised IPS (SNIPS), the direct method
/// (DM) with a smoothed-mean reward model, and doubly robust (DR) with a cross-fitted one.
/// </summary>
public sealed class OffPolicyEvaluator
{
    private const double SupportTolerance = 1e-6;
    private readonly OffPolicyOptions _options;

    public OffPolicyEvaluator(OffPolicyOptions? options = null)
    {
        _options = options ?? new OffPolicyOptions();
        if (!(_options.ConfidenceLevel > 0 && _options.ConfidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Confidence level {_options.ConfidenceLevel} must be in (0, 1).");
        }

        if (_options.CrossFitFolds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Cross-fitting needs at least 2 folds, not {_options.CrossFitFolds}.");
        }

        if (_options.BootstrapResamples < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"A bootstrap needs at least 100 resamples, not {_options.BootstrapResamples}.");
        }
    }

    public OffPolicyOptions Options => _options;

    /// <summary>Runs IPS, SNIPS, DM and DR, in that order.</summary>
    public IReadOnlyList<OffPolicyEstimate> EvaluateAll(BanditLog log, ITargetPolicy policy)
    {
        var targets = TargetDistributions.Build(log, policy);
        return
        [
            IpsCore(log, targets),
            SnipsCore(log, targets),
            DirectMethodCore(log, targets),
            DoublyRobustCore(log, targets),
        ];
    }

    /// <summary>IPS: mean of w·r with w = π(a|x) / p(a|x). Unbiased under full support; high variance.</summary>
    public OffPolicyEstimate Ips(BanditLog log, ITargetPolicy policy) => IpsCore(log, TargetDistributions.Build(log, policy));

    /// <summary>SNIPS: Σw·r / Σw. Slightly biased, usually much lower variance than IPS.</summary>
    public OffPolicyEstimate SelfNormalizedIps(BanditLog log, ITargetPolicy policy) => SnipsCore(log, TargetDistributions.Build(log, policy));

    /// <summary>DM: mean over rows of Σ_a π(a|x)·q̂(x, a), with q̂ fitted on the whole log.</summary>
    public OffPolicyEstimate DirectMethod(BanditLog log, ITargetPolicy policy) => DirectMethodCore(log, TargetDistributions.Build(log, policy));

    /// <summary>DR: DM plus the importance-weighted residual w·(r − q̂(x, a)), with q̂ cross-fitted so that a row never corrects a model fitted on itself.</summary>
    public OffPolicyEstimate DoublyRobust(BanditLog log, ITargetPolicy policy) => DoublyRobustCore(log, TargetDistributions.Build(log, policy));

    private OffPolicyEstimate IpsCore(BanditLog log, TargetDistributions targets)
    {
        var weights = targets.Weights;
        var contributions = new double[log.Count];
        for (var i = 0; i < log.Count; i++)
        {
            contributions[i] = weights[i] * log.Samples[i].Reward;
        }

        return MeanEstimate("ips", contributions, EffectiveSampleSize(weights));
    }

    private OffPolicyEstimate SnipsCore(BanditLog log, TargetDistributions targets)
    {
        var weights = targets.Weights;
        var n = log.Count;
        double sumW = 0, sumWr = 0;
        for (var i = 0; i < n; i++)
        {
            sumW += weights[i];
            sumWr += weights[i] * log.Samples[i].Reward;
        }

        if (sumW <= 0)
        {
            throw new InvalidOperationException(
                $"Policy '{targets.PolicyName}' gives zero probability to every action logged in '{log.Source}': SNIPS is undefined.");
        }

        var value = sumWr / sumW;

        // Delta method for a ratio of means: Var ≈ Σ w²(r − V)² / (Σw)².
        double squares = 0;
        for (var i = 0; i < n; i++)
        {
            var d = weights[i] * (log.Samples[i].Reward - value);
            squares += d * d;
        }

        var se = Math.Sqrt(squares) / sumW;
        var interval = _options.IntervalMethod == ConfidenceIntervalMethod.Normal
            ? NormalInterval(value, se)
            : BootstrapRatioInterval(log, weights);
        return new OffPolicyEstimate("snips", value, se, interval, n, EffectiveSampleSize(weights));
    }

    private OffPolicyEstimate DirectMethodCore(BanditLog log, TargetDistributions targets)
    {
        var model = SmoothedMeanRewardModel.Fit(log.Samples, priorStrength: _options.RewardModelPriorStrength);
        var cache = new Dictionary<string, double>(StringComparer.Ordinal);
        var contributions = new double[log.Count];
        for (var i = 0; i < log.Count; i++)
        {
            contributions[i] = ExpectedUnderTarget(log.Samples[i].ContextKey, model, targets, cache);
        }

        return MeanEstimate("dm", contributions, log.Count);
    }

    private OffPolicyEstimate DoublyRobustCore(BanditLog log, TargetDistributions targets)
    {
        var folds = AssignFolds(log.Count, Math.Min(_options.CrossFitFolds, log.Count), _options.Seed);
        var k = folds.Max() + 1;
        var models = new SmoothedMeanRewardModel[k];
        var caches = new Dictionary<string, double>[k];
        for (var f = 0; f < k; f++)
        {
            var fold = f;
            models[f] = SmoothedMeanRewardModel.Fit(log.Samples, i => folds[i] != fold, _options.RewardModelPriorStrength);
            caches[f] = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        var weights = targets.Weights;
        var contributions = new double[log.Count];
        for (var i = 0; i < log.Count; i++)
        {
            var s = log.Samples[i];
            var model = models[folds[i]];
            var baseline = ExpectedUnderTarget(s.ContextKey, model, targets, caches[folds[i]]);
            contributions[i] = baseline + (weights[i] * (s.Reward - model.Predict(s.ContextKey, s.Action)));
        }

        return MeanEstimate("dr", contributions, EffectiveSampleSize(weights));
    }

    private static double ExpectedUnderTarget(
        string contextKey, SmoothedMeanRewardModel model, TargetDistributions targets, Dictionary<string, double> cache)
    {
        if (cache.TryGetValue(contextKey, out var value))
        {
            return value;
        }

        value = 0;
        foreach (var (action, p) in targets.For(contextKey))
        {
            value += p * model.Predict(contextKey, action);
        }

        cache[contextKey] = value;
        return value;
    }

    private OffPolicyEstimate MeanEstimate(string name, double[] contributions, double ess)
    {
        var n = contributions.Length;
        var mean = contributions.Average();
        double squares = 0;
        foreach (var c in contributions)
        {
            squares += (c - mean) * (c - mean);
        }

        var se = n > 1 ? Math.Sqrt(squares / (n - 1) / n) : double.NaN;
        var interval = _options.IntervalMethod == ConfidenceIntervalMethod.Normal
            ? NormalInterval(mean, se)
            : BootstrapMeanInterval(contributions);
        return new OffPolicyEstimate(name, mean, se, interval, n, ess);
    }

    private ConfidenceInterval NormalInterval(double value, double se)
    {
        var z = NormalDistribution.Quantile(0.5 + (_options.ConfidenceLevel / 2));
        return new ConfidenceInterval(value - (z * se), value + (z * se), _options.ConfidenceLevel, ConfidenceIntervalMethod.Normal);
    }

    private ConfidenceInterval BootstrapMeanInterval(double[] contributions)
    {
        var random = new Random(_options.Seed);
        var n = contributions.Length;
        var estimates = new double[_options.BootstrapResamples];
        for (var b = 0; b < estimates.Length; b++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += contributions[random.Next(n)];
            }

            estimates[b] = sum / n;
        }

        return PercentileInterval(estimates);
    }

    private ConfidenceInterval BootstrapRatioInterval(BanditLog log, double[] weights)
    {
        var random = new Random(_options.Seed);
        var n = log.Count;
        var estimates = new double[_options.BootstrapResamples];
        for (var b = 0; b < estimates.Length; b++)
        {
            double sumW = 0, sumWr = 0;
            for (var i = 0; i < n; i++)
            {
                var j = random.Next(n);
                sumW += weights[j];
                sumWr += weights[j] * log.Samples[j].Reward;
            }

            estimates[b] = sumW > 0 ? sumWr / sumW : 0;
        }

        return PercentileInterval(estimates);
    }

    private ConfidenceInterval PercentileInterval(double[] estimates)
    {
        Array.Sort(estimates);
        var alpha = (1 - _options.ConfidenceLevel) / 2;
        return new ConfidenceInterval(
            Percentile(estimates, alpha), Percentile(estimates, 1 - alpha), _options.ConfidenceLevel, ConfidenceIntervalMethod.Bootstrap);
    }

    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    private static double EffectiveSampleSize(double[] weights)
    {
        double sum = 0, squares = 0;
        foreach (var w in weights)
        {
            sum += w;
            squares += w * w;
        }

        return squares > 0 ? sum * sum / squares : 0;
    }

    private static int[] AssignFolds(int n, int k, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var folds = new int[n];
        for (var position = 0; position < n; position++)
        {
            folds[order[position]] = position % k;
        }

        return folds;
    }

    /// <summary>π over the log's candidate actions per context, checked once per context, plus each row's importance weight.</summary>
    private sealed class TargetDistributions
    {
        private readonly Dictionary<string, (string Action, double P)[]> _byContext;

        private TargetDistributions(string policyName, Dictionary<string, (string, double)[]> byContext, double[] weights)
        {
            PolicyName = policyName;
            _byContext = byContext;
            Weights = weights;
        }

        public string PolicyName { get; }

        public double[] Weights { get; }

        public (string Action, double P)[] For(string contextKey) => _byContext[contextKey];

        public static TargetDistributions Build(BanditLog log, ITargetPolicy policy)
        {
            var byContext = new Dictionary<string, (string, double)[]>(StringComparer.Ordinal);
            var weights = new double[log.Count];
            for (var i = 0; i < log.Count; i++)
            {
                var s = log.Samples[i];
                if (!byContext.ContainsKey(s.ContextKey))
                {
                    byContext[s.ContextKey] = Distribution(log, policy, s.ContextKey);
                }

                weights[i] = policy.Probability(s.ContextKey, s.Action, log.Actions) / s.Propensity;
            }

            return new TargetDistributions(policy.Name, byContext, weights);
        }

        private static (string, double)[] Distribution(BanditLog log, ITargetPolicy policy, string contextKey)
        {
            var result = new List<(string, double)>();
            double total = 0;
            foreach (var action in log.Actions)
            {
                var p = policy.Probability(contextKey, action, log.Actions);
                if (!double.IsFinite(p) || p < 0 || p > 1 + SupportTolerance)
                {
                    throw new InvalidOperationException(
                        $"Policy '{policy.Name}' returned probability {p} for action '{action}' in context '{contextKey}'.");
                }

                if (p > 0)
                {
                    result.Add((action, p));
                    total += p;
                }
            }

            if (Math.Abs(total - 1) > SupportTolerance)
            {
                throw new InvalidOperationException(
                    $"Policy '{policy.Name}' puts probability {total:0.######} (not 1) on the {log.Actions.Count} actions logged in '{log.Source}' "
                    + $"for context '{contextKey}': it chooses actions the log never shows, which no estimator here can value.");
            }

            return [.. result];
        }
    }
}
