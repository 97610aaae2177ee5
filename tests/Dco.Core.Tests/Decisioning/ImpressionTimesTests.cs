using CsCheck;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>The in-place impression list against a plain model: sorted times not before the horizon, the latest 64.</summary>
public sealed class ImpressionTimesTests
{
    [Fact]
    public void Adds_keep_time_order_drop_what_is_past_the_horizon_and_keep_the_latest_64()
    {
        // Each step: a time (ticks, possibly older than the last: merged from another instance) and a horizon.
        var steps = Gen.Select(Gen.Long[0, 2_000], Gen.Long[0, 400]).Array[0, 200];
        steps.Sample(script =>
        {
            var list = new ImpressionTimes();
            var model = new List<long>();
            foreach (var (at, horizon) in script)
            {
                list.Add(at, horizon);
                AddToModel(model, at, horizon);

                Assert.Equal(model, list.Select(t => t.UtcTicks));
                Assert.Equal(model.Count, list.Count);
                Assert.Equal(model.Count(t => t > 1_000), list.CountAfter(1_000));

                // Each boundary a window can have: before all, at and around each time held (duplicates
                // included), after all.
                foreach (var after in model.SelectMany(t => new[] { t - 1, t, t + 1 }).Append(-1).Append(long.MaxValue))
                {
                    Assert.Equal(model.Count(t => t > after), list.CountAfter(after));
                }
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Replacing_keeps_the_latest_64_in_order_and_nothing_past_the_horizon()
    {
        Gen.Long[0, 1_000].List[0, 150].Select(Gen.Long[0, 500]).Sample((times, horizon) =>
        {
            var expected = ReplacedModel(times, horizon);
            var list = new ImpressionTimes();
            list.Add(999, 0); // replaced, not kept

            list.ReplaceWith([.. times], horizon);

            Assert.Equal(expected, list.Select(t => t.UtcTicks));
            Assert.Equal(expected.Select(t => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds()), list.ToUnixSeconds());
        }, iter: 1_000);
    }

    [Fact]
    public void A_keyed_list_is_its_own_frequency_entry()
    {
        var list = new ImpressionTimes("headline-1");
        list.Add(5, 0);
        list.Add(3, 0);
        list.Add(9, 0); // past the two held inline

        FrequencyEntry entry = list;

        Assert.Equal("headline-1", entry.Key);
        Assert.Same(list, entry.Impressions);
        Assert.Equal([3L, 5L, 9L], entry.Impressions.Select(t => t.UtcTicks));
        Assert.Equal("", new ImpressionTimes().Key);
    }

    [Fact]
    public void The_engine_counts_an_impression_list_inside_the_window_only()
    {
        var list = new ImpressionTimes();
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        foreach (var hoursAgo in new[] { 30, 20, 5, 1 })
        {
            list.Add((now - TimeSpan.FromHours(hoursAgo)).UtcTicks, 0);
        }

        Assert.Equal(2, Dco.Core.Decisioning.Engine.DecisionEngine.CountInWindow(list, now.UtcTicks, TimeSpan.FromHours(6).Ticks));
        Assert.Equal(3, Dco.Core.Decisioning.Engine.DecisionEngine.CountInWindow(list, now.UtcTicks, TimeSpan.FromDays(1).Ticks));
        Assert.Equal(4, Dco.Core.Decisioning.Engine.DecisionEngine.CountInWindow([.. list], now.UtcTicks, TimeSpan.FromDays(2).Ticks));
    }

    /// <summary>What adding a time does to a list: drop what is before the horizon, keep time order and the latest 64.</summary>
    internal static void AddToModel(List<long> model, long at, long horizon)
    {
        model.RemoveAll(t => t < horizon);
        if (at >= horizon)
        {
            model.Add(at);
            model.Sort();
            if (model.Count > ImpressionTimes.MaxKept)
            {
                model.RemoveAt(0);
            }
        }
    }

    /// <summary>What replacing a list's times with <paramref name="times"/> leaves: those not before the horizon, in order, the latest 64.</summary>
    internal static List<long> ReplacedModel(IEnumerable<long> times, long horizon) =>
        times.Where(t => t >= horizon).Order().TakeLast(ImpressionTimes.MaxKept).ToList();
}
