namespace Dco.Core.Simulation;

/// <summary>
/// The simulator's named scenarios. Every number here is documented in
/// docs/decisions/0003-off-policy-evaluation-and-simulator.md; change both together.
/// </summary>
public static class Scenarios
{
    public const string StandardName = "standard";
    public const string StrongSegmentsName = "strong-segments";

    public static IReadOnlyList<string> Names { get; } = [StandardName, StrongSegmentsName];

    public static ScenarioDefinition ByName(string name) => name switch
    {
        StandardName => Standard,
        StrongSegmentsName => StrongSegments,
        _ => throw new ArgumentException($"Unknown scenario '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    private const string Headline = "headline";
    private const string Image = "image";
    private const string Cta = "cta";

    /// <summary>
    /// A retail campaign: 4 segments, 3 weathers, 4 headlines × 4 images × 3 calls to action (48
    /// combinations, 45 eligible). Main effects dominate; segment and weather interactions are
    /// mild; one headline × image pair is banned by the brand kit; halfway through, tastes shift.
    /// </summary>
    public static ScenarioDefinition Standard { get; } = new()
    {
        Name = StandardName,
        Description = "Main effects dominate; mild segment and weather interactions; a shift in tastes at half time; conversions arrive late.",
        Segments =
        [
            new("commuter", 0.40, 0.0),
            new("family", 0.30, -0.1),
            new("student", 0.20, 0.2),
            new("senior", 0.10, -0.3),
        ],
        Weathers = [new("sunny", 0.50), new("rainy", 0.35), new("snowy", 0.15)],
        MeanWeatherSpellImpressions = 2_000,
        Slots =
        [
            new(Headline, ["save-20", "new-season", "free-delivery", "winter-sale"]),
            new(Image, ["beach", "city", "family-home", "snow-cabin"]),
            new(Cta, ["shop-now", "learn-more", "get-offer"]),
        ],
        DefaultCreative = new Dictionary<string, string> { [Headline] = "new-season", [Image] = "family-home", [Cta] = "learn-more" },
        BaseClickRate = 0.02,
        ClickEffects =
        [
            // Main effects.
            new(Headline, "save-20", 0.35),
            new(Headline, "free-delivery", 0.15),
            new(Headline, "winter-sale", -0.10),
            new(Image, "city", 0.30),
            new(Image, "family-home", 0.10),
            new(Image, "snow-cabin", -0.05),
            new(Cta, "shop-now", 0.20),
            new(Cta, "learn-more", -0.20),
            new(Cta, "get-offer", 0.10),

            // Weather-dependent preferences (mild here; the oracle still uses them).
            new(Image, "beach", 0.15, Weather: "sunny"),
            new(Image, "beach", -0.20, Weather: "rainy"),
            new(Image, "beach", -0.30, Weather: "snowy"),
            new(Image, "snow-cabin", 0.30, Weather: "snowy"),
            new(Headline, "winter-sale", 0.30, Weather: "snowy"),
            new(Headline, "free-delivery", 0.15, Weather: "rainy"),

            // Mild segment × asset interactions.
            new(Image, "family-home", 0.30, Segment: "family"),
            new(Headline, "save-20", 0.20, Segment: "student"),
            new(Cta, "learn-more", 0.30, Segment: "senior"),
        ],
        PairEffects =
        [
            new(Headline, "winter-sale", Image, "snow-cabin", 0.20),
            new(Headline, "save-20", Cta, "get-offer", -0.30),
        ],
        Exclusions = [new(Headline, "winter-sale", Image, "beach")],
        ShiftAtFraction = 0.5,
        ShiftEffects =
        [
            // The new season lands: its headline overtakes save-20, the leader so far.
            new(Headline, "new-season", 0.45),
        ],
        BaseConversionRate = 0.08,
        ConversionEffects =
        [
            new(Cta, "get-offer", 0.40),
            new(Cta, "learn-more", -0.50),
            new(Cta, "shop-now", 0.20, Segment: "commuter"),
        ],
        MeanConversionDelayImpressions = 5_000,
    };

    /// <summary>
    /// The standard world with strong segment × asset interactions: each segment has its own best
    /// headline and image, so a context-blind learner leaves much on the table.
    /// </summary>
    public static ScenarioDefinition StrongSegments { get; } = Standard with
    {
        Name = StrongSegmentsName,
        Description = "The standard world plus strong segment × asset interactions: each segment has its own best headline and image.",
        ClickEffects =
        [
            .. Standard.ClickEffects,
            new(Image, "city", 0.50, Segment: "commuter"),
            new(Headline, "free-delivery", 0.50, Segment: "commuter"),
            new(Image, "family-home", 0.90, Segment: "family"),
            new(Headline, "new-season", 0.80, Segment: "family"),
            new(Image, "beach", 0.90, Segment: "student"),
            new(Headline, "save-20", 0.50, Segment: "student"),
            new(Image, "snow-cabin", 1.00, Segment: "senior"),
            new(Cta, "learn-more", 0.70, Segment: "senior"),
            new(Headline, "winter-sale", 0.80, Segment: "senior"),
            new(Image, "city", -0.60, Segment: "family"),
            new(Image, "city", -0.60, Segment: "senior"),
            new(Headline, "save-20", -0.50, Segment: "senior"),
        ],
    };
}
