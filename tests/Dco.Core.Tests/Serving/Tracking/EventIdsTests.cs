using CsCheck;
using Dco.Core.Serving.Tracking;

namespace Dco.Core.Tests.Serving.Tracking;

public sealed class EventIdsTests
{
    [Fact]
    public void The_same_event_always_gets_the_same_id()
    {
        Assert.Equal(EventIds.Impression("d1"), EventIds.Impression("d1"));
        Assert.Equal(EventIds.Click("d1", "a1"), EventIds.Click("d1", "a1"));
        Assert.Equal(EventIds.Conversion("c1", "order-9"), EventIds.Conversion("c1", "order-9"));
    }

    [Fact]
    public void Ids_are_stable_across_releases()
    {
        // Pinned (computed independently): changing the encoding would stop old and new duplicates colliding.
        Assert.Equal("imp_d862bb7c5b760933868eab011f2a247f0c11e6582b9b9f759c917e71a25f8c56", EventIds.Impression("d1"));
        Assert.Matches("^imp_[0-9a-f]{64}$", EventIds.Impression("d1"));
        Assert.Matches("^clk_[0-9a-f]{64}$", EventIds.Click("d1", "a1"));
        Assert.Matches("^cnv_[0-9a-f]{64}$", EventIds.Conversion("c1", "o1"));
    }

    [Fact]
    public void Different_kinds_for_the_same_decision_never_collide()
    {
        Assert.NotEqual(EventIds.Impression("d1")[4..], EventIds.Click("d1", "d1")[4..]);
    }

    [Fact]
    public void Field_boundaries_are_part_of_the_id()
    {
        Assert.NotEqual(EventIds.Click("ab", "c"), EventIds.Click("a", "bc"));
        Assert.NotEqual(EventIds.Conversion("c1|o", "1"), EventIds.Conversion("c1", "o|1"));
    }

    [Fact]
    public void Distinct_clicks_get_distinct_ids()
    {
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.String[Gen.Char.AlphaNumeric, 1, 20],
                Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.String[Gen.Char.AlphaNumeric, 1, 20])
            .Sample((d1, a1, d2, a2) => (d1 == d2 && a1 == a2) == (EventIds.Click(d1, a1) == EventIds.Click(d2, a2)), iter: 2_000);
    }

    [Fact]
    public void Empty_fields_are_refused()
    {
        Assert.Throws<ArgumentException>(() => EventIds.Click("d1", ""));
        Assert.Throws<ArgumentException>(() => EventIds.Conversion("", "o"));
    }
}
