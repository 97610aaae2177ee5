namespace Dco.Core.Evaluation;

/// <summary>
/// One logged round reduced to what off-policy evaluation needs: a context bucket, the action
/// taken, the reward seen and the logging propensity.
/// </summary>
/// <param name="ContextKey">Canonical key of the context (the reward model groups by it; target policies read it).</param>
/// <param name="Action">Canonical key of the action (an item id, or a slot=asset combination).</param>
/// <param name="Reward">Observed reward.</param>
/// <param name="Propensity">Logging policy's probability of <paramref name="Action"/> in this context, in (0, 1].</param>
/// <param name="PropensityStandardError">Stated error of an estimated propensity; null when exact.</param>
public readonly record struct LoggedSample(
    string ContextKey,
    string Action,
    double Reward,
    double Propensity,
    double? PropensityStandardError = null);
