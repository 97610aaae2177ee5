namespace Dco.Core.Decisioning.Engine;

/// <summary>An asset that was excluded (Reason &gt; 0: <see cref="ExclusionReason"/> + 1) or boosted.</summary>
internal readonly record struct AssetNote(int Asset, byte Reason, short Rule, float Boost);

internal readonly record struct SlotTrace(double Probability, int Asset, int FeasibleCount, short PinRule, ChoiceMode Mode);

/// <summary>Compact record of how a decision was reached; <see cref="CampaignSnapshot"/> expands it into an explanation.</summary>
internal sealed class DecisionTrace(ulong[] firedRules, AssetNote[] notes, SlotTrace[] slots)
{
    public ulong[] FiredRules { get; } = firedRules;

    public AssetNote[] Notes { get; } = notes;

    public SlotTrace[] Slots { get; } = slots;
}
