namespace Dco.Core.Decisioning;

/// <summary>
/// Immutable model state a snapshot decides with: per (segment, slot) probability-of-best vectors for
/// Thompson sampling (and per earlier-slot asset for interacting pairs), and per-asset ridge models for
/// the contextual policy. Built by <see cref="CampaignLearner.BuildModel"/>.
/// </summary>
public sealed class PolicyModel
{
    internal PolicyModel(
        string campaignId,
        long version,
        DateTimeOffset builtAt,
        string[] assetIds,
        string[] buckets,
        float[] scores,
        float[]?[] pairScores,
        double standardError,
        LinearTables? linear)
    {
        CampaignId = campaignId;
        Version = version;
        BuiltAt = builtAt;
        AssetIds = assetIds;
        Buckets = buckets;
        Scores = scores;
        PairScores = pairScores;
        ProbabilityStandardError = standardError;
        Linear = linear;
    }

    public string CampaignId { get; }

    /// <summary>Number of feedback events applied when the model was built.</summary>
    public long Version { get; }

    public DateTimeOffset BuiltAt { get; }

    /// <summary>Largest Monte Carlo standard error of a probability-of-best entry (the policy samples from these vectors, so logged propensities stay exact).</summary>
    public double ProbabilityStandardError { get; }

    internal string[] AssetIds { get; }

    internal string[] Buckets { get; }

    /// <summary>[bucket × assets + asset]: Thompson weight (probability of best, plus a tiny posterior-mean term that orders assets never best).</summary>
    internal float[] Scores { get; }

    /// <summary>[slot] for slots with an earlier partner: [bucket × n(partner) × n(slot) + partner asset × n(slot) + asset].</summary>
    internal float[]?[] PairScores { get; }

    internal LinearTables? Linear { get; }
}

/// <summary>Per-asset ridge regression of reward on hashed features: A⁻¹ and θ = A⁻¹b.</summary>
internal sealed record LinearTables(int Dimensions, double Alpha, float[] InverseA, float[] Theta);
