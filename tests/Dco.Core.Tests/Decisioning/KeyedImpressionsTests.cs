using CsCheck;
using Dco.Core.Decisioning;

namespace Dco.Core.Tests.Decisioning;

/// <summary>A viewer's rows of impression times per key against a plain model: a list of (key, sorted times).</summary>
public sealed class KeyedImpressionsTests
{
    private static readonly string[] Keys = ["a", "b", "c", "d", "e", "f"];

    [Fact]
    public void Rows_match_a_model_through_adds_replacements_and_drops()
    {
        // Each step: an operation (0-4 add a time to the key's row, adding the row when there is none; 5
        // replace a row's times; 6 drop what is before a horizon), a key, a time and a horizon.
        var steps = Gen.Select(Gen.Int[0, 6], Gen.Int[0, Keys.Length - 1], Gen.Long[0, 2_000], Gen.Long[0, 300]).Array[0, 150];
        steps.Sample(script =>
        {
            var rows = new KeyedImpressions();
            var model = new List<(string Key, List<long> Times)>();
            foreach (var (operation, k, at, horizon) in script)
            {
                var key = Keys[k];
                var row = rows.IndexOf(key, byValue: false);
                var modelRow = model.FindIndex(r => ReferenceEquals(r.Key, key));
                Assert.Equal(modelRow, row);
                if (operation < 5)
                {
                    if (row < 0)
                    {
                        row = rows.Append(key);
                        model.Add((key, []));
                        modelRow = model.Count - 1;
                    }

                    rows.Add(row, at, horizon);
                    ImpressionTimesTests.AddToModel(model[modelRow].Times, at, horizon);
                }
                else if (operation == 5 && row >= 0)
                {
                    var replacement = Enumerable.Range(0, (int)(at % 90)).Select(i => at - (i * 7)).ToList();
                    rows.ReplaceWith(row, [.. replacement], horizon);
                    model[modelRow] = (key, ImpressionTimesTests.ReplacedModel(replacement, horizon));
                }
                else if (operation == 6)
                {
                    rows.DropBefore(horizon);
                    foreach (var (_, times) in model)
                    {
                        times.RemoveAll(t => t < horizon);
                    }

                    model.RemoveAll(r => r.Times.Count == 0);
                }

                AssertMatches(model, rows);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Rows_are_found_by_reference_and_by_value_only_when_asked()
    {
        var rows = new KeyedImpressions();
        var pooled = "headline-1";
        var copy = new string(pooled.AsSpan()); // equal, not the same instance
        var row = rows.Append(pooled);

        Assert.Equal(row, rows.IndexOf(pooled, byValue: false));
        Assert.Equal(-1, rows.IndexOf(copy, byValue: false));
        Assert.Equal(row, rows.IndexOf(copy, byValue: true));
        Assert.Equal(-1, rows.IndexOf("image-1", byValue: true));
    }

    [Fact]
    public void Rows_from_entries_keep_each_entry_apart_in_time_order()
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        FrequencyEntry[] entries =
        [
            new("headline-1|image-2", [now, now.AddHours(-3)]),
            new("headline-1|image-2", [now.AddHours(-1)]),
            new("cta-1|image-2", []),
        ];

        var rows = KeyedImpressions.From(entries);

        Assert.Equal(3, rows.Count);
        Assert.Equal([2, 1, 0], Enumerable.Range(0, 3).Select(rows.HeldAt));
        Assert.Equal(now.AddHours(-3), rows.TimeAt(0, 0));
        Assert.Equal(1, rows.CountAfter(0, now.AddHours(-2).UtcTicks));
        var copied = rows.ToEntries();
        Assert.Equal(entries.Select(e => e.Key), copied.Select(e => e.Key));
        Assert.Equal([now.AddHours(-3), now], copied[0].Impressions);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.HeldAt(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.TimeAt(1, 1));
    }

    [Fact]
    public void A_frequency_made_from_entries_reads_back_the_same_entries()
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var frequency = new ViewerFrequency
        {
            Assets = [new FrequencyEntry("headline-1", [now.AddHours(-1), now.AddHours(-2)])],
            Combinations = [new FrequencyEntry("headline-1|image-2", [now.AddHours(-1)])],
        };

        Assert.Equal("headline-1", Assert.Single(frequency.Assets).Key);
        Assert.Equal([now.AddHours(-2), now.AddHours(-1)], frequency.Assets[0].Impressions);
        Assert.Equal(2, frequency.AssetTimes.HeldAt(0));
        Assert.Equal("headline-1|image-2", frequency.CombinationTimes.KeyAt(0));
        Assert.Equal(0, ViewerFrequency.Empty.AssetTimes.Count);
    }

    private static void AssertMatches(List<(string Key, List<long> Times)> model, KeyedImpressions rows)
    {
        Assert.Equal(model.Count, rows.Count);
        for (var row = 0; row < model.Count; row++)
        {
            var (key, times) = model[row];
            Assert.Same(key, rows.KeyAt(row));
            Assert.Equal(times.Count, rows.HeldAt(row));
            Assert.Equal(times, rows.ToEntries()[row].Impressions.Select(t => t.UtcTicks));
            foreach (var after in times.SelectMany(t => new[] { t - 1, t, t + 1 }).Append(-1))
            {
                Assert.Equal(times.Count(t => t > after), rows.CountAfter(row, after));
            }

            Assert.Equal(times.Select(t => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds()), rows.ToUnixSeconds(row));
        }
    }
}
