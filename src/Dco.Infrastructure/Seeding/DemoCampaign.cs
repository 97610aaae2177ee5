using Dco.Core.Decisioning;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Seeding;

/// <summary>
/// The demo campaign <c>demo</c> that <c>./dco run</c> seeds so a first <c>decide</c> call returns
/// something real: an outdoor-gear banner whose image follows the weather at the viewer's geo, whose
/// products drop out when out of stock, and whose price claims always carry the legal disclaimer.
/// </summary>
public static class DemoCampaign
{
    public const string CampaignId = "demo";
    public const string BrandKitId = "demo-brand";
    public const string Placement = "demo-leaderboard";
    public const string PromotionKey = "WINTER-SALE";
    public const string LegalDisclaimer = "Prices incl. VAT. While stocks last.";

    private const string Cdn = "https://cdn.dco.example/demo/";
    private const string Shop = "https://shop.dco.example/";

    /// <summary>Product SKUs, their category and the stock the seed reports.</summary>
    public static IReadOnlyList<(string Sku, string Product, string Weather, int Stock)> Products { get; } =
    [
        ("SKU-RAIN-JACKET", "Storm rain jacket", "rain", 140),
        ("SKU-UMBRELLA", "Compact umbrella", "rain", 6),
        ("SKU-WELLIES", "Wellington boots", "rain", 0),
        ("SKU-PONCHO", "Festival poncho", "rain", 35),
        ("SKU-SUNGLASSES", "Polarised sunglasses", "sun", 80),
        ("SKU-SUNHAT", "Wide-brim sun hat", "sun", 4),
        ("SKU-SANDALS", "Trail sandals", "sun", 0),
        ("SKU-SUNSCREEN", "SPF 50 sunscreen", "sun", 300),
        ("SKU-HOODIE", "Everyday hoodie", "any", 120),
        ("SKU-BACKPACK", "Day backpack", "any", 25),
        ("SKU-BOTTLE", "Insulated bottle", "any", 500),
        ("SKU-CAP", "Running cap", "any", 60),
    ];

    /// <summary>Precipitation (mm in the next hours) per geo in the seeded weather signals.</summary>
    public static IReadOnlyDictionary<string, double> Precipitation { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["DE-HH"] = 6.5, // Hamburg: rain
        ["GB-LND"] = 3.2, // London: rain
        ["DE-BER"] = 0.8, // Berlin: drizzle, under the rain threshold
        ["ES-MAD"] = 0.0, // Madrid: sun
        ["IT-ROM"] = 0.1, // Rome: sun
    };

    public static BrandKitDocument BrandKit(DateTimeOffset now) => new()
    {
        Id = BrandKitId,
        Name = "Demo Outdoor Co.",
        Palette = ["#0b3d2e", "#f2c14e", "#ffffff"],
        BannedWords = ["guaranteed", "cheapest"],
        RequiredDisclaimers = [LegalDisclaimer],
        ToneNotes = "Friendly, practical, weather-aware. No superlatives we cannot prove.",
        SizeLimits = new BrandSizeLimits { MaxTextLength = 90, MaxWidth = 970, MaxHeight = 250 },
        UpdatedAt = now,
    };

    public static CampaignDocument Campaign(DateTimeOffset now) => new()
    {
        Id = CampaignId,
        Definition = Definition(),
        Template = Template,
        Placements = [Placement],
        BrandKitId = BrandKitId,
        Status = CampaignStatus.Active,
        UpdatedAt = now,
    };

    /// <summary>Weather for each geo, stock for each SKU and the promotion switch (off: set it to 1 to pin the promo headline).</summary>
    public static IReadOnlyList<SignalDocument> Signals(DateTimeOffset now)
    {
        var expires = now.AddDays(7);
        var signals = new List<SignalDocument>();
        signals.AddRange(Precipitation.Select(p => Signal("weather", "weather.precipitation", p.Key, p.Value, now, expires)));
        signals.AddRange(Products.Select(p => Signal("inventory", "inventory.stock", p.Sku, p.Stock, now, expires)));
        signals.Add(Signal("promotions", "promotion.live", PromotionKey, 0, now, expires));
        return signals;
    }

    public const string Template =
        """
        <div class="dco-banner" data-decision="{{decision_id}}">
          <a href="{{click_url}}" rel="noopener sponsored" target="_blank">
            <img class="dco-background" src="{{background.url}}" alt="" width="728" height="90">
            <img class="dco-product" src="{{image.url}}" alt="{{image.alt}}" width="{{image.width}}" height="{{image.height}}">
            <strong class="dco-headline">{{headline.text}}</strong>
            <span class="dco-cta">{{cta.text}}</span>
          </a>
          <small class="dco-disclaimer">{{disclaimer.text}}</small>
          <img class="dco-pixel" src="{{impression_url}}" alt="" width="1" height="1">
        </div>
        """;

    private static CampaignDefinition Definition() => new()
    {
        Id = CampaignId,
        Version = "1",
        Slots =
        [
            new SlotDefinition { Name = "headline", Assets = Headlines() },
            new SlotDefinition { Name = "image", Assets = Images() },
            new SlotDefinition { Name = "cta", Assets = Ctas() },
            new SlotDefinition { Name = "disclaimer", Assets = Disclaimers() },
            new SlotDefinition { Name = "background", Assets = Backgrounds() },
        ],
        DefaultCreative = new Dictionary<string, string>
        {
            ["headline"] = "headline-everyday",
            ["image"] = "image-sku-hoodie",
            ["cta"] = "cta-shop-now",
            ["disclaimer"] = "disclaimer-terms",
            ["background"] = "background-forest",
        },
        Rules =
        [
            new RuleDefinition
            {
                Id = "rain-boost",
                Priority = 10,
                Description = "At least 2 mm of rain at the viewer's geo: rain gear and rain copy first.",
                When = new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = ComparisonOperator.GreaterThanOrEqual, Number = 2 },
                Action = RuleActionKind.Boost,
                BoostFactor = 4,
                Target = new AssetSelector { Tags = ["rain"] },
            },
            new RuleDefinition
            {
                Id = "rain-hides-sun",
                Priority = 10,
                Description = "No sunglasses while it pours.",
                When = new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = ComparisonOperator.GreaterThanOrEqual, Number = 2 },
                Action = RuleActionKind.Exclude,
                Target = new AssetSelector { Tags = ["sun"] },
            },
            new RuleDefinition
            {
                Id = "sun-boost",
                Priority = 10,
                Description = "Dry at the viewer's geo (under 0.5 mm): summer gear first.",
                When = new CompareCondition { Feature = "signal.weather.precipitation@{geo}", Operator = ComparisonOperator.LessThan, Number = 0.5 },
                Action = RuleActionKind.Boost,
                BoostFactor = 4,
                Target = new AssetSelector { Tags = ["sun"] },
            },
            new RuleDefinition
            {
                Id = "out-of-stock",
                Priority = 100,
                Description = "Never advertise a product we cannot sell.",
                When = new CompareCondition { Feature = "signal.inventory.stock@{asset.sku}", Operator = ComparisonOperator.LessThanOrEqual, Number = 0 },
                Action = RuleActionKind.Exclude,
                Target = new AssetSelector { Slot = "image" },
            },
            new RuleDefinition
            {
                Id = "low-stock-urgency",
                Priority = 20,
                Description = "Fewer than 10 left: prefer the low-stock headline for that product.",
                When = new CompareCondition { Feature = "signal.inventory.stock@{asset.sku}", Operator = ComparisonOperator.LessThan, Number = 10 },
                Action = RuleActionKind.Boost,
                BoostFactor = 5,
                Target = new AssetSelector { Slot = "headline", Tags = ["low-stock"] },
            },
            new RuleDefinition
            {
                Id = "low-stock-only-when-low",
                Priority = 20,
                Description = "A low-stock headline is true only while stock is under 10.",
                When = new NotCondition(new CompareCondition { Feature = "signal.inventory.stock@{asset.sku}", Operator = ComparisonOperator.LessThan, Number = 10 }),
                Action = RuleActionKind.Exclude,
                Target = new AssetSelector { Slot = "headline", Tags = ["low-stock"] },
            },
            new RuleDefinition
            {
                Id = "promo-pin",
                Priority = 50,
                Description = "While the winter sale is live, the promo headline is the headline.",
                When = new CompareCondition { Feature = "signal.promotion.live@" + PromotionKey, Operator = ComparisonOperator.GreaterThanOrEqual, Number = 1 },
                Action = RuleActionKind.Pin,
                Target = new AssetSelector { Slot = "headline", Tags = ["promo"] },
            },
            new RuleDefinition
            {
                Id = "promo-only-when-live",
                Priority = 50,
                Description = "Promo copy is shown only while the sale is live.",
                When = new NotCondition(new CompareCondition { Feature = "signal.promotion.live@" + PromotionKey, Operator = ComparisonOperator.GreaterThanOrEqual, Number = 1 }),
                Action = RuleActionKind.Exclude,
                Target = new AssetSelector { Slot = "headline", Tags = ["promo"] },
            },
        ],
        FrequencyCaps =
        [
            new FrequencyCapDefinition { Scope = CapScope.Campaign, MaxImpressions = 20, Window = TimeSpan.FromDays(1) },
            new FrequencyCapDefinition { Scope = CapScope.Asset, MaxImpressions = 6, Window = TimeSpan.FromDays(1), Assets = new AssetSelector { Slot = "image" } },
            new FrequencyCapDefinition { Scope = CapScope.Combination, MaxImpressions = 3, Window = TimeSpan.FromHours(12) },
        ],
        Constraints =
        [
            new CompatibilityConstraint
            {
                Id = "price-claim-needs-legal",
                Kind = ConstraintKind.Requires,
                First = new AssetSelector { Slot = "headline", Tags = ["price-claim"] },
                Second = new AssetSelector { Slot = "disclaimer", Tags = ["legal"] },
            },
        ],
        Policy = new PolicySettings
        {
            Kind = PolicyKind.FactorizedThompson,
            ExplorationFloor = 0.05,
            Reward = RewardKind.Click,
            Segments = ["returning", "outdoor-enthusiast"],
            Interactions = [new SlotPair { First = "image", Second = "headline" }],
            SignalFeatures = [new SignalFeature { Signal = "weather.precipitation@{geo}", Thresholds = [0.5, 2, 10] }],
        },
    };

    private static AssetDefinition[] Headlines() =>
    [
        Text("headline-rain-ready", "Rain is coming. Stay dry out there.", "rain"),
        Text("headline-rain-puddles", "Made for puddles, built for storms.", "rain"),
        Text("headline-rain-jacket-price", "Storm jacket now from €89.", "rain", "price-claim"),
        Text("headline-sun-ready", "Sun's out. Gear up for the day.", "sun"),
        Text("headline-sun-shade", "Find your shade in style.", "sun"),
        Text("headline-sun-price", "Summer essentials from €12.", "sun", "price-claim"),
        Text("headline-everyday", "Gear for every kind of weather."),
        ProductText("headline-low-umbrella", "Almost gone: compact umbrellas.", ("sku", "SKU-UMBRELLA"), "low-stock", "rain"),
        ProductText("headline-low-sunhat", "Last few sun hats left.", ("sku", "SKU-SUNHAT"), "low-stock", "sun"),
        ProductText("headline-low-backpack", "Day backpacks: only a handful left.", ("sku", "SKU-BACKPACK"), "low-stock"),
        Text("headline-promo-winter", "Winter sale: 30% off outerwear.", "promo", "price-claim"),
    ];

    private static AssetDefinition[] Images() =>
        [.. Products.Select(p => new AssetDefinition
        {
            Id = "image-" + p.Sku.ToLowerInvariant(),
            Kind = "image",
            Content = Cdn + p.Sku.ToLowerInvariant() + ".jpg",
            Tags = p.Weather == "any" ? ["product"] : ["product", p.Weather],
            Attributes = new Dictionary<string, string>
            {
                ["sku"] = p.Sku,
                ["destinationUrl"] = Shop + "p/" + p.Sku.ToLowerInvariant(),
                ["width"] = "300",
                ["height"] = "250",
                ["alt"] = p.Product,
            },
        })];

    private static AssetDefinition[] Ctas() =>
    [
        Text("cta-shop-now", "Shop now"),
        Text("cta-stay-dry", "Stay dry", "rain"),
        Text("cta-get-outside", "Get outside", "sun"),
        Text("cta-see-range", "See the range"),
        Text("cta-grab-deal", "Grab the deal", "promo"),
    ];

    private static AssetDefinition[] Disclaimers() =>
    [
        Text("disclaimer-legal", LegalDisclaimer, "legal"),
        Text("disclaimer-legal-short", "Incl. VAT. " + LegalDisclaimer, "legal"),
        Text("disclaimer-terms", "Terms apply."),
    ];

    private static AssetDefinition[] Backgrounds() =>
        [.. new[] { ("forest", "any"), ("storm", "rain"), ("drizzle", "rain"), ("beach", "sun"), ("meadow", "sun"), ("mountain", "any") }
            .Select(b => new AssetDefinition
            {
                Id = "background-" + b.Item1,
                Kind = "image",
                Content = Cdn + "backgrounds/" + b.Item1 + ".jpg",
                Tags = b.Item2 == "any" ? ["background"] : ["background", b.Item2],
                Attributes = new Dictionary<string, string> { ["width"] = "728", ["height"] = "90", ["alt"] = b.Item1 + " background" },
            })];

    private static AssetDefinition Text(string id, string content, params string[] tags) => ProductText(id, content, null, tags);

    private static AssetDefinition ProductText(string id, string content, (string Name, string Value)? attribute, params string[] tags) => new()
    {
        Id = id,
        Kind = "text",
        Content = content,
        Tags = tags,
        Attributes = attribute is { } a
            ? new Dictionary<string, string> { [a.Name] = a.Value, ["destinationUrl"] = Shop + "p/" + a.Value.ToLowerInvariant() }
            : new Dictionary<string, string> { ["destinationUrl"] = Shop },
    };

    private static SignalDocument Signal(string source, string name, string key, double value, DateTimeOffset now, DateTimeOffset expires) => new()
    {
        Id = name + ":" + key,
        Source = source,
        Name = name,
        Key = key,
        Value = value,
        ObservedAt = now,
        ExpiresAt = expires,
    };

    /// <summary>The seeded signals as the engine reads them.</summary>
    public static LiveSignals LiveSignals(DateTimeOffset now) =>
        new(Signals(now).Select(s => new SignalValue(s.Name, s.Key, s.Value)));
}
