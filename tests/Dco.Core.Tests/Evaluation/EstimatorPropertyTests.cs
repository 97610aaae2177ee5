using CsCheck;
using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

/// <summary>Algebraic properties of the estimators over random logs.</summary>
public sealed class EstimatorPropertyTests
{
    // Random logs: up to 3 contexts, 2–5 actions, propensities in (0, 1], rewards in [0, 10].
    private static readonly Gen<BanditLog> Logs =
        from actions in Gen.Int[2, 5]
        from rows in Gen.Select(Gen.Int[0, 2], Gen.Int[0, 4], Gen.Double[0.01, 1], Gen.Double[0, 10]).Array[1, 60]
        select new BanditLog(
            "random",
            [.. rows.Select(r => new LoggedSample($"x{r.Item1}", $"a{r.Item2 % actions}", Math.Round(r.Item4), r.Item3))],
            Enumerable.Range(0, actions).Select(a => $"a{a}"));

    [Fact]
    public void Snips_lies_between_the_smallest_and_largest_reward_the_target_can_see()
    {
        Logs.Sample(log =>
        {
            var estimate = new OffPolicyEvaluator().SelfNormalizedIps(log, new UniformTargetPolicy());
            return estimate.Value >= log.Samples.Min(s => s.Reward) - 1e-9 && estimate.Value <= log.Samples.Max(s => s.Reward) + 1e-9;
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Effective_sample_size_is_between_one_and_n()
    {
        Logs.Sample(log =>
        {
            var ess = new OffPolicyEvaluator().Ips(log, new UniformTargetPolicy()).EffectiveSampleSize;
            return ess >= 1 - 1e-9 && ess <= log.Count + 1e-9;
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Ips_scales_with_the_rewards()
    {
        Logs.Sample(log =>
        {
            var doubled = new BanditLog("doubled", [.. log.Samples.Select(s => s with { Reward = 2 * s.Reward })], log.Actions);
            var evaluator = new OffPolicyEvaluator();
            var once = evaluator.Ips(log, new UniformTargetPolicy()).Value;
            var twice = evaluator.Ips(doubled, new UniformTargetPolicy()).Value;
            return Math.Abs(twice - (2 * once)) <= 1e-9 * Math.Max(1, Math.Abs(twice));
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Direct_method_of_a_constant_reward_log_is_that_constant()
    {
        Logs.Sample(log =>
        {
            var constant = new BanditLog("constant", [.. log.Samples.Select(s => s with { Reward = 3 })], log.Actions);
            var dm = new OffPolicyEvaluator().DirectMethod(constant, new UniformTargetPolicy()).Value;
            return Math.Abs(dm - 3) < 1e-9;
        }, iter: 300, threads: 1);
    }
}
