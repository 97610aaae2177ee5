namespace Dco.Core.Decisioning.Engine;

/// <summary>
/// Hashed binary features of a request for the contextual policy: bias, segments (full consent only),
/// placement, device, geo, page category, day of week, 3-hour bucket of local time, custom attributes and
/// bucketed signals. Hashing is FNV-1a over a tag and the text, so no string is built.
/// </summary>
internal static class ContextFeatures
{
    public static void Compute(CompiledCampaign c, RequestState state, DecisionScratch sc)
    {
        var d = c.Policy.FeatureDimensions;
        var request = state.Request;
        var context = request.Context ?? RequestContext.Empty;
        sc.AddFeature(Bucket(Hash('b', 0), d));
        var segments = state.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            sc.AddFeature(Bucket(Hash('s', segments[i]), d));
        }

        AddText(sc, 'p', context.Placement, d);
        AddText(sc, 'd', context.Device, d);
        AddText(sc, 'g', context.Geo, d);
        AddText(sc, 'c', context.PageCategory, d);
        sc.AddFeature(Bucket(Hash('w', (int)state.DayOfWeek), d));
        sc.AddFeature(Bucket(Hash('h', (int)(state.LocalHour / 3)), d));
        if (context.Attributes is Dictionary<string, string> attributes)
        {
            foreach (var (key, value) in attributes)
            {
                sc.AddFeature(Bucket(Hash(Hash('a', key), value), d));
            }
        }
        else if (context.Attributes is { Count: > 0 } other)
        {
            foreach (var (key, value) in other)
            {
                sc.AddFeature(Bucket(Hash(Hash('a', key), value), d));
            }
        }

        var signalFeatures = c.SignalFeatures;
        for (var i = 0; i < signalFeatures.Length; i++)
        {
            var (feature, thresholds) = signalFeatures[i];
            if (!feature.TryGetNumber(state, -1, out var value))
            {
                continue;
            }

            var b = 0;
            while (b < thresholds.Length && value >= thresholds[b])
            {
                b++;
            }

            sc.AddFeature(Bucket(Hash(Hash('f', i), b), d));
        }
    }

    /// <summary>θᵀx + α·√(xᵀA⁻¹x) over binary hashed features (repeated indices count with multiplicity).</summary>
    public static double UpperConfidenceBound(LinearTables linear, int asset, ReadOnlySpan<int> features)
    {
        var d = linear.Dimensions;
        var theta = linear.Theta.AsSpan(asset * d, d);
        var inverse = linear.InverseA.AsSpan(asset * d * d, d * d);
        var mean = 0.0;
        var quadratic = 0.0;
        // A⁻¹ is symmetric: the diagonal once plus twice the upper triangle halves the scattered reads.
        for (var i = 0; i < features.Length; i++)
        {
            var fi = features[i];
            mean += theta[fi];
            var row = inverse.Slice(fi * d, d);
            var offDiagonal = 0.0;
            for (var j = i + 1; j < features.Length; j++)
            {
                offDiagonal += row[features[j]];
            }

            quadratic += row[fi] + (2 * offDiagonal);
        }

        return mean + (linear.Alpha * Math.Sqrt(Math.Max(quadratic, 0)));
    }

    private static void AddText(DecisionScratch sc, char tag, string? text, int d)
    {
        if (text is not null)
        {
            sc.AddFeature(Bucket(Hash(tag, text), d));
        }
    }

    private static int Bucket(uint hash, int d)
    {
        hash ^= hash >> 16;
        hash *= 0x7FEB352Du;
        hash ^= hash >> 15;
        return (int)(hash % (uint)d);
    }

    private static uint Hash(char tag, string text) => Hash(Hash(tag, 0), text);

    private static uint Hash(char tag, int value)
    {
        var h = (2166136261u ^ tag) * 16777619u;
        h = (h ^ (uint)value) * 16777619u;
        return h;
    }

    private static uint Hash(uint seed, string text)
    {
        var h = seed;
        foreach (var ch in text)
        {
            h = (h ^ ch) * 16777619u;
        }

        return (h ^ (h >> 15)) * 2246822519u;
    }

    private static uint Hash(uint seed, int value) => ((seed ^ (uint)value) * 16777619u) ^ 0x9E3779B9u;
}
