namespace Dco.Core.Decisioning;

/// <summary>
/// Seedable xoshiro256** generator: the only source of randomness in a decision or a model refresh,
/// so that every decision is reproducible from its seed. Not thread-safe: one instance per thread.
/// </summary>
public sealed class DecisionRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DecisionRandom(ulong seed) => Reseed(seed);

    /// <summary>A generator whose stream depends only on <paramref name="seed"/> and the decision id.</summary>
    public static DecisionRandom ForDecision(ulong seed, string decisionId)
    {
        ArgumentNullException.ThrowIfNull(decisionId);
        return new DecisionRandom(Mix(seed, decisionId));
    }

    /// <summary>Restarts the stream from <paramref name="seed"/> (reuse one instance without allocating).</summary>
    public void Reseed(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1;
        }
    }

    /// <summary>Reseeds from a seed and a decision id (FNV-1a of the id mixed into the seed).</summary>
    public void Reseed(ulong seed, string decisionId) => Reseed(Mix(seed, decisionId));

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="exclusiveMax"/>), unbiased (Lemire's method with rejection).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        var range = (uint)exclusiveMax;
        var product = (ulong)(uint)(NextUInt64() >> 32) * range;
        var low = (uint)product;
        if (low < range)
        {
            var threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)(uint)(NextUInt64() >> 32) * range;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Standard normal variate (Marsaglia's polar method).</summary>
    public double NextGaussian()
    {
        while (true)
        {
            var u = (2.0 * NextDouble()) - 1.0;
            var v = (2.0 * NextDouble()) - 1.0;
            var s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2.0 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Gamma(shape, 1) variate (Marsaglia and Tsang; boosted for shape &lt; 1).</summary>
    public double NextGamma(double shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape);
        if (shape < 1)
        {
            var u = NextDouble();
            return NextGamma(shape + 1) * Math.Pow(u == 0 ? double.Epsilon : u, 1.0 / shape);
        }

        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextGaussian();
                v = 1.0 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextDouble();
            if (u < 1.0 - (0.0331 * x * x * x * x))
            {
                return d * v;
            }

            if (Math.Log(u) < (0.5 * x * x) + (d * (1.0 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    /// <summary>Beta(a, b) variate.</summary>
    public double NextBeta(double a, double b)
    {
        var x = NextGamma(a);
        var y = NextGamma(b);
        var sum = x + y;
        return sum > 0 ? x / sum : 0.5;
    }

    internal static ulong Mix(ulong seed, string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        var x = seed ^ hash;
        return SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
