namespace Dco.Core.Decisioning;

/// <summary>Serializable learning state of a campaign (see <see cref="CampaignLearner.Export"/> and <see cref="CampaignLearner.Import"/>).</summary>
public sealed record LearnerStateDocument
{
    public required string CampaignId { get; init; }

    public long Version { get; init; }

    /// <summary>UTC ticks of the newest event applied (the deduplication window is relative to it).</summary>
    public long? NewestEventTicks { get; init; }

    public int FeatureDimensions { get; init; }

    public IReadOnlyList<RewardCellDocument> Cells { get; init; } = [];

    public IReadOnlyList<LinearCellDocument> Linear { get; init; } = [];

    /// <summary>Event ids already applied, oldest first.</summary>
    public IReadOnlyList<string> SeenEventIds { get; init; } = [];
}

/// <summary>Discounted reward statistics of one asset (or asset pair) in one segment ("*": all viewers).</summary>
public sealed record RewardCellDocument
{
    public required string Segment { get; init; }

    public required string AssetId { get; init; }

    /// <summary>For interaction cells: the later slot's asset (AssetId is the earlier slot's).</summary>
    public string? PartnerAssetId { get; init; }

    public double Impressions { get; init; }

    public double Clicks { get; init; }

    public double Conversions { get; init; }

    public double Value { get; init; }

    public double ValueSquares { get; init; }

    /// <summary>UTC ticks the statistics are discounted to.</summary>
    public long UpdatedTicks { get; init; }
}

/// <summary>Ridge statistics of one asset for the contextual policy (true values are A·Scale and B·Scale).</summary>
public sealed record LinearCellDocument
{
    public required string AssetId { get; init; }

    public double Scale { get; init; } = 1;

    public long UpdatedTicks { get; init; }

    public required double[] A { get; init; }

    public required double[] B { get; init; }
}
