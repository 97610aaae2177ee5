using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

/// <summary>
/// Over many seeded replicates of a synthetic log with known truth, the unbiased estimators'
/// mean error is within a few standard errors of zero, and their intervals cover the truth.
/// </summary>
public sealed class DoublyRobustUnbiasednessTests
{
    private const int ReplicateCount = 300;
    private const int RowsPerLog = 1_000;

    [Theory]
    [InlineData("dr")]
    [InlineData("ips")]
    public void Estimator_is_unbiased_on_simulated_logs_with_known_value(string estimator)
    {
        var truth = SyntheticBanditWorld.TrueTargetValue;
        var errors = Replicates(estimator).Select(e => e.Value - truth).ToArray();
        var meanError = errors.Average();
        var standardError = Math.Sqrt(errors.Sum(e => (e - meanError) * (e - meanError)) / (errors.Length - 1) / errors.Length);

        Assert.True(
            Math.Abs(meanError) < 4 * standardError,
            $"{estimator}: mean error {meanError:G4} vs standard error {standardError:G4} (truth {truth:G4})");
    }

    [Fact]
    public void Dr_has_lower_variance_than_ips_on_the_same_logs()
    {
        var dr = Replicates("dr").Select(e => e.Value).ToArray();
        var ips = Replicates("ips").Select(e => e.Value).ToArray();

        Assert.True(Variance(dr) < Variance(ips), $"var(dr) {Variance(dr):G4}, var(ips) {Variance(ips):G4}");
    }

    [Fact]
    public void Dr_normal_95_percent_interval_covers_the_true_value_about_95_percent_of_the_time()
    {
        var truth = SyntheticBanditWorld.TrueTargetValue;
        var covered = Replicates("dr").Count(e => e.Interval.Lower <= truth && truth <= e.Interval.Upper);

        // Binomial(300, 0.95) lies in [270, 296] with probability above 0.999.
        Assert.InRange(covered, 270, 296);
    }

    [Fact]
    public void Direct_method_with_a_misspecified_reward_model_is_biased_where_dr_is_not()
    {
        // A prior strength far larger than the data shrinks every cell to the global mean: DM then
        // values every policy alike, DR's importance-weighted residual corrects it.
        var options = new OffPolicyOptions { RewardModelPriorStrength = 1e7 };
        var truth = SyntheticBanditWorld.TrueTargetValue;
        var dm = Enumerable.Range(0, 50).Select(s => new OffPolicyEvaluator(options).DirectMethod(SyntheticBanditWorld.Log(RowsPerLog, s), SyntheticBanditWorld.Target).Value).Average();
        var dr = Enumerable.Range(0, 50).Select(s => new OffPolicyEvaluator(options).DoublyRobust(SyntheticBanditWorld.Log(RowsPerLog, s), SyntheticBanditWorld.Target).Value).Average();

        Assert.True(Math.Abs(dm - truth) > 0.05, $"dm {dm:G4}, truth {truth:G4}");
        Assert.True(Math.Abs(dr - truth) < 0.02, $"dr {dr:G4}, truth {truth:G4}");
    }

    private static IEnumerable<OffPolicyEstimate> Replicates(string estimator)
    {
        for (var seed = 0; seed < ReplicateCount; seed++)
        {
            var log = SyntheticBanditWorld.Log(RowsPerLog, seed);
            var evaluator = new OffPolicyEvaluator(new OffPolicyOptions { Seed = seed });
            yield return estimator switch
            {
                "dr" => evaluator.DoublyRobust(log, SyntheticBanditWorld.Target),
                "ips" => evaluator.Ips(log, SyntheticBanditWorld.Target),
                _ => throw new ArgumentOutOfRangeException(nameof(estimator)),
            };
        }
    }

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}
