namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// A brand kit in the <c>brandKits</c> container (partition <c>/id</c>): the rules a campaign's
/// creative must respect. Campaigns refer to it by <see cref="CampaignDocument"/>'s <c>brandKitId</c>;
/// the management API checks text assets, sizes and the template against it.
/// </summary>
public sealed record BrandKitDocument
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Brand colours as <c>#rrggbb</c>.</summary>
    public IReadOnlyList<string> Palette { get; init; } = [];

    /// <summary>Words no text asset may contain (whole words, case-insensitive).</summary>
    public IReadOnlyList<string> BannedWords { get; init; } = [];

    /// <summary>Disclaimers at least one text asset of the campaign must carry verbatim (e.g. legal copy).</summary>
    public IReadOnlyList<string> RequiredDisclaimers { get; init; } = [];

    /// <summary>Tone of voice guidance for copywriters and generators; not enforced.</summary>
    public string? ToneNotes { get; init; }

    public BrandSizeLimits SizeLimits { get; init; } = new();

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Upper bounds on assets; null means no limit.</summary>
public sealed record BrandSizeLimits
{
    /// <summary>Longest text asset content, in characters.</summary>
    public int? MaxTextLength { get; init; }

    /// <summary>Largest <c>width</c> attribute of an asset, in pixels.</summary>
    public int? MaxWidth { get; init; }

    /// <summary>Largest <c>height</c> attribute of an asset, in pixels.</summary>
    public int? MaxHeight { get; init; }
}
