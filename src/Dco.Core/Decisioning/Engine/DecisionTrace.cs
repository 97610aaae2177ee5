namespace Dco.Core.Decisioning.Engine;

/// <summary>
/// An asset that was excluded (Reason &gt; 0: <see cref="ExclusionReason"/> + 1) or boosted, packed in 8 bytes
/// (asset index 16 bits, reason 4 bits, rule index 12 bits) so a decision stays well under 1 KB.
/// </summary>
internal readonly struct AssetNote
{
    private const int NoRule = 0xFFF;
    private readonly int _packed;

    public AssetNote(int asset, byte reason, short rule, float boost)
    {
        _packed = asset | (reason << 16) | ((rule < 0 ? NoRule : rule) << 20);
        Boost = boost;
    }

    public int Asset => _packed & 0xFFFF;

    public byte Reason => (byte)((_packed >> 16) & 0xF);

    public short Rule
    {
        get
        {
            var rule = (_packed >> 20) & NoRule;
            return rule == NoRule ? (short)-1 : (short)rule;
        }
    }

    public float Boost { get; }
}

internal readonly record struct SlotTrace(double Probability, int Asset, int FeasibleCount, short PinRule, ChoiceMode Mode);

/// <summary>Compact record of how a decision was reached; <see cref="CampaignSnapshot"/> expands it into an explanation.</summary>
internal readonly record struct DecisionTrace(ulong[] FiredRules, AssetNote[] Notes, SlotTrace[] Slots);
