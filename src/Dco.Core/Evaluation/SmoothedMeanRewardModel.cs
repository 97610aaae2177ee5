namespace Dco.Core.Evaluation;

/// <summary>
/// Reward model for the direct method: the mean reward per (context, action), shrunk towards the
/// action's mean, which is shrunk towards the global mean. Sparse cells borrow strength from
/// the level above instead of reporting 0 or 1 from a handful of rows.
/// </summary>
public sealed class SmoothedMeanRewardModel
{
    private readonly Dictionary<(string Context, string Action), (double Sum, int Count)> _cells;
    private readonly Dictionary<string, double> _actionMeans;
    private readonly double _globalMean;
    private readonly double _priorStrength;

    private SmoothedMeanRewardModel(
        Dictionary<(string, string), (double, int)> cells,
        Dictionary<string, double> actionMeans,
        double globalMean,
        double priorStrength)
    {
        _cells = cells;
        _actionMeans = actionMeans;
        _globalMean = globalMean;
        _priorStrength = priorStrength;
    }

    /// <summary>Pseudo-count with which each level is pulled towards the level above.</summary>
    public const double DefaultPriorStrength = 20;

    /// <summary>Fits the model on the samples whose index <paramref name="include"/> accepts.</summary>
    public static SmoothedMeanRewardModel Fit(
        IReadOnlyList<LoggedSample> samples,
        Func<int, bool>? include = null,
        double priorStrength = DefaultPriorStrength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priorStrength);
        var cells = new Dictionary<(string, string), (double, int)>();
        var actions = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        double total = 0;
        var n = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (include is not null && !include(i))
            {
                continue;
            }

            var s = samples[i];
            var key = (s.ContextKey, s.Action);
            cells.TryGetValue(key, out var c);
            cells[key] = (c.Item1 + s.Reward, c.Item2 + 1);
            actions.TryGetValue(s.Action, out var a);
            actions[s.Action] = (a.Sum + s.Reward, a.Count + 1);
            total += s.Reward;
            n++;
        }

        if (n == 0)
        {
            throw new ArgumentException("The reward model needs at least one sample to fit on.", nameof(samples));
        }

        var globalMean = total / n;
        var actionMeans = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (action, (sum, count)) in actions)
        {
            actionMeans[action] = (sum + (priorStrength * globalMean)) / (count + priorStrength);
        }

        return new SmoothedMeanRewardModel(cells, actionMeans, globalMean, priorStrength);
    }

    /// <summary>Expected reward of <paramref name="action"/> in <paramref name="contextKey"/>.</summary>
    public double Predict(string contextKey, string action)
    {
        var actionMean = _actionMeans.TryGetValue(action, out var m) ? m : _globalMean;
        if (!_cells.TryGetValue((contextKey, action), out var cell))
        {
            return actionMean;
        }

        return (cell.Sum + (_priorStrength * actionMean)) / (cell.Count + _priorStrength);
    }
}
