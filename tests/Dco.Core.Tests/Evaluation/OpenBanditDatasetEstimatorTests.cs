using System.Globalization;
using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

/// <summary>IPS and SNIPS of the uniform policy on the real OBD logs, against closed forms computed here from the raw CSV.</summary>
public sealed class OpenBanditDatasetEstimatorTests
{
    private const int Items = 34;

    [SkippableFact]
    public void Ips_of_uniform_policy_on_bts_log_equals_the_closed_form()
    {
        var (log, rows) = Load("bts.csv");
        var expected = rows.Sum(r => r.Click / r.Propensity) / rows.Count * (1.0 / Items);

        var estimate = new OffPolicyEvaluator().Ips(log, new UniformTargetPolicy());

        Assert.Equal(expected, estimate.Value, 12);
        Assert.Equal(10_000, estimate.N);
    }

    [SkippableFact]
    public void Snips_of_uniform_policy_on_bts_log_equals_the_closed_form()
    {
        var (log, rows) = Load("bts.csv");
        var expected = rows.Sum(r => r.Click / r.Propensity) / rows.Sum(r => 1 / r.Propensity);

        var estimate = new OffPolicyEvaluator().SelfNormalizedIps(log, new UniformTargetPolicy());

        Assert.Equal(expected, estimate.Value, 12);
    }

    [SkippableFact]
    public void Ips_standard_error_and_normal_interval_match_the_closed_form()
    {
        var (log, rows) = Load("bts.csv");
        var terms = rows.Select(r => r.Click / r.Propensity / Items).ToArray();
        var mean = terms.Average();
        var se = Math.Sqrt(terms.Sum(t => (t - mean) * (t - mean)) / (terms.Length - 1) / terms.Length);

        var estimate = new OffPolicyEvaluator().Ips(log, new UniformTargetPolicy());

        Assert.Equal(se, estimate.StandardError, 12);
        Assert.Equal(mean - (1.959964 * se), estimate.Interval.Lower, 6);
        Assert.Equal(mean + (1.959964 * se), estimate.Interval.Upper, 6);
    }

    [SkippableFact]
    public void Effective_sample_size_of_uniform_policy_on_bts_log_is_far_below_n()
    {
        var (log, rows) = Load("bts.csv");
        var w = rows.Select(r => 1.0 / Items / r.Propensity).ToArray();
        var expected = w.Sum() * w.Sum() / w.Sum(x => x * x);

        var estimate = new OffPolicyEvaluator().Ips(log, new UniformTargetPolicy());

        Assert.Equal(expected, estimate.EffectiveSampleSize, 6);
        Assert.True(estimate.EffectiveSampleSize < 0.5 * rows.Count, $"ESS {estimate.EffectiveSampleSize}");
    }

    [SkippableFact]
    public void Every_estimator_of_uniform_policy_on_the_uniform_log_recovers_the_logged_ctr()
    {
        var (log, rows) = Load("random.csv");
        var ctr = rows.Average(r => r.Click);

        var estimates = new OffPolicyEvaluator().EvaluateAll(log, new UniformTargetPolicy());

        // Weights are exactly 1: IPS and SNIPS equal the mean; DM and DR average a model of it.
        Assert.Equal(ctr, estimates.Single(e => e.Estimator == "ips").Value, 12);
        Assert.Equal(ctr, estimates.Single(e => e.Estimator == "snips").Value, 12);
        Assert.Equal(ctr, estimates.Single(e => e.Estimator == "dm").Value, 3);
        Assert.Equal(ctr, estimates.Single(e => e.Estimator == "dr").Value, 3);
    }

    [SkippableFact]
    public void Bootstrap_interval_is_reproducible_by_seed_and_brackets_the_estimate()
    {
        var (log, _) = Load("bts.csv");
        var options = new OffPolicyOptions { IntervalMethod = ConfidenceIntervalMethod.Bootstrap, Seed = 7, BootstrapResamples = 500 };

        var first = new OffPolicyEvaluator(options).DoublyRobust(log, new UniformTargetPolicy());
        var second = new OffPolicyEvaluator(options).DoublyRobust(log, new UniformTargetPolicy());

        Assert.Equal(first, second);
        Assert.Equal(ConfidenceIntervalMethod.Bootstrap, first.Interval.Method);
        Assert.InRange(first.Value, first.Interval.Lower, first.Interval.Upper);
    }

    private static (BanditLog Log, List<(double Click, double Propensity)> Rows) Load(string file)
    {
        var path = SharedData.ObdFile(file);
        Skip.If(path is null, $"Skipped: the Open Bandit Dataset file {file} is not in ../shared/data/obd/men (or $DCO_SHARED_DIR).");

        // The closed form reads the raw CSV itself, independently of the reader under test.
        var lines = File.ReadAllLines(path!);
        var header = lines[0].Split(',');
        int click = Array.IndexOf(header, "click"), propensity = Array.IndexOf(header, "propensity_score");
        var rows = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(f => (double.Parse(f[click], CultureInfo.InvariantCulture), double.Parse(f[propensity], CultureInfo.InvariantCulture)))
            .ToList();

        using var reader = new StreamReader(path!);
        return (OpenBanditDatasetReader.Read(reader, file), rows);
    }
}
