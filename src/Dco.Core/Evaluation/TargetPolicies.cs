namespace Dco.Core.Evaluation;

/// <summary>
/// The policy whose value off-policy evaluation estimates: a probability for every candidate
/// action in a given context.
/// </summary>
public interface ITargetPolicy
{
    string Name { get; }

    /// <summary>π(action | context). Must sum to 1 over <paramref name="candidates"/>.</summary>
    double Probability(string contextKey, string action, IReadOnlyList<string> candidates);
}

/// <summary>Picks each candidate action with equal probability (A/B/n testing).</summary>
public sealed class UniformTargetPolicy : ITargetPolicy
{
    public string Name => "uniform";

    public double Probability(string contextKey, string action, IReadOnlyList<string> candidates) =>
        candidates.Count == 0 ? 0 : 1.0 / candidates.Count;
}

/// <summary>Always shows one action.</summary>
public sealed class FixedActionTargetPolicy : ITargetPolicy
{
    public FixedActionTargetPolicy(string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        Action = action;
    }

    public string Action { get; }

    public string Name => $"fixed:{Action}";

    public double Probability(string contextKey, string action, IReadOnlyList<string> candidates) =>
        string.Equals(action, Action, StringComparison.Ordinal) ? 1 : 0;
}

/// <summary>
/// A stochastic policy written down as a table: a distribution over actions per context key,
/// with a default distribution for contexts the table does not list. This is the snapshot format
/// the CLI accepts (<c>--policy snapshot.json</c>).
/// </summary>
public sealed record TabularPolicySnapshot
{
    public required string Name { get; init; }

    public string? Version { get; init; }

    /// <summary>Distribution used for every context not in <see cref="Contexts"/>; null means "must be listed".</summary>
    public IReadOnlyDictionary<string, double>? Default { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? Contexts { get; init; }
}

/// <summary>Target policy backed by a validated <see cref="TabularPolicySnapshot"/>.</summary>
public sealed class TabularTargetPolicy : ITargetPolicy
{
    private const double Tolerance = 1e-6;
    private readonly TabularPolicySnapshot _snapshot;

    public TabularTargetPolicy(TabularPolicySnapshot snapshot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(snapshot.Name);
        if (snapshot.Default is null && (snapshot.Contexts is null || snapshot.Contexts.Count == 0))
        {
            throw new ArgumentException($"Policy snapshot '{snapshot.Name}' has neither a default distribution nor any context.", nameof(snapshot));
        }

        if (snapshot.Default is not null)
        {
            Validate(snapshot.Name, "default", snapshot.Default);
        }

        foreach (var (context, distribution) in snapshot.Contexts ?? new Dictionary<string, IReadOnlyDictionary<string, double>>())
        {
            Validate(snapshot.Name, $"context '{context}'", distribution);
        }

        _snapshot = snapshot;
    }

    public string Name => _snapshot.Version is null ? _snapshot.Name : $"{_snapshot.Name}@{_snapshot.Version}";

    public double Probability(string contextKey, string action, IReadOnlyList<string> candidates)
    {
        IReadOnlyDictionary<string, double>? distribution = null;
        if (_snapshot.Contexts is not null && _snapshot.Contexts.TryGetValue(contextKey, out var listed))
        {
            distribution = listed;
        }

        distribution ??= _snapshot.Default
            ?? throw new InvalidOperationException($"Policy snapshot '{Name}' has no distribution for context '{contextKey}' and no default.");
        return distribution.TryGetValue(action, out var p) ? p : 0;
    }

    private static void Validate(string name, string where, IReadOnlyDictionary<string, double> distribution)
    {
        if (distribution.Count == 0)
        {
            throw new ArgumentException($"Policy snapshot '{name}': the {where} distribution is empty.");
        }

        var sum = 0.0;
        foreach (var (action, p) in distribution)
        {
            if (!double.IsFinite(p) || p < 0 || p > 1)
            {
                throw new ArgumentException($"Policy snapshot '{name}': probability {p} of action '{action}' in the {where} distribution is not in [0, 1].");
            }

            sum += p;
        }

        if (Math.Abs(sum - 1) > Tolerance)
        {
            throw new ArgumentException($"Policy snapshot '{name}': the {where} distribution sums to {sum}, not 1.");
        }
    }
}
