namespace Dco.Core.Decisioning.Engine;

/// <summary>Per-thread working memory of the decision path, sized for the largest campaign seen, so a decision allocates only its result.</summary>
internal sealed class DecisionScratch
{
    [ThreadStatic]
    private static DecisionScratch? s_current;

    public readonly RequestState State = new();
    public ulong[] Domain = [];
    public ulong[] Decided = [];
    public ulong[] Included = [];
    public ulong[] Levels = [];
    public ulong[] Fired = [];
    public byte[] Reason = [];
    public short[] ReasonRule = [];
    public double[] Boost = [];
    public int[] Chosen = [];
    public int[] Witness = [];
    public short[] PinnedBy = [];
    public double[] StepProbability = [];
    public ChoiceMode[] Mode = [];
    public int[] FeasibleCount = [];
    public ulong[] Remaining = [];
    public ulong[] Feasible = [];
    public ulong[] Fits = [];
    public int[] Candidates = [];
    public double[] Weights = [];
    public double[] Scores = [];
    public int[] PinRules = [];
    public int[] PinStart = [];
    public int[] PinAssets = [];
    public int[] Nogoods = [];
    public int[] Features = new int[64];
    private CompiledCampaign? _sizedFor;
    public int NogoodCount;
    public int PinCount;
    public int FeatureCount;

    public static DecisionScratch For(CompiledCampaign campaign)
    {
        var scratch = s_current ??= new DecisionScratch();
        if (!ReferenceEquals(scratch._sizedFor, campaign))
        {
            scratch.Ensure(campaign);
            scratch._sizedFor = campaign;
        }

        return scratch;
    }

    private void Ensure(CompiledCampaign c)
    {
        Grow(ref Domain, c.TotalWords);
        Grow(ref Decided, c.TotalWords);
        Grow(ref Included, c.TotalWords);
        Grow(ref Levels, c.TotalWords * (c.SlotCount + 1));
        Grow(ref Fired, Bits.WordCount(Math.Max(1, c.Rules.Length)));
        Grow(ref Reason, c.AssetCount);
        Grow(ref ReasonRule, c.AssetCount);
        Grow(ref Boost, c.AssetCount);
        Grow(ref Chosen, c.SlotCount);
        Grow(ref Witness, c.SlotCount);
        Grow(ref PinnedBy, c.SlotCount);
        Grow(ref StepProbability, c.SlotCount);
        Grow(ref Mode, c.SlotCount);
        Grow(ref FeasibleCount, c.SlotCount);
        var maxSlot = 0;
        foreach (var size in c.SlotSize)
        {
            maxSlot = Math.Max(maxSlot, size);
        }

        var maxWords = Bits.WordCount(maxSlot);
        Grow(ref Remaining, maxWords);
        Grow(ref Feasible, maxWords);
        Grow(ref Fits, maxWords);
        Grow(ref Candidates, maxSlot);
        Grow(ref Weights, maxSlot);
        Grow(ref Scores, maxSlot);
        Grow(ref PinRules, c.Rules.Length);
        Grow(ref PinStart, c.Rules.Length + 1);
        Grow(ref PinAssets, c.AssetCount * Math.Max(1, CountPins(c)));
    }

    public void AddNogood(ReadOnlySpan<int> combination)
    {
        var size = combination.Length;
        Grow(ref Nogoods, (NogoodCount + 1) * size, keep: true);
        combination.CopyTo(Nogoods.AsSpan(NogoodCount * size, size));
        NogoodCount++;
    }

    public void AddFeature(int feature)
    {
        if (FeatureCount == Features.Length)
        {
            Array.Resize(ref Features, Features.Length * 2);
        }

        Features[FeatureCount++] = feature;
    }

    private static int CountPins(CompiledCampaign c)
    {
        var pins = 0;
        foreach (var rule in c.Rules)
        {
            if (rule.Definition.Action == RuleActionKind.Pin)
            {
                pins++;
            }
        }

        return pins;
    }

    private static void Grow<T>(ref T[] array, int size, bool keep = false)
    {
        if (array.Length >= size)
        {
            return;
        }

        var larger = new T[Math.Max(size, array.Length * 2)];
        if (keep)
        {
            array.CopyTo(larger, 0);
        }

        array = larger;
    }
}
