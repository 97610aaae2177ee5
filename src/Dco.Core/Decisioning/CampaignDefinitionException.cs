namespace Dco.Core.Decisioning;

/// <summary>A campaign definition that cannot be compiled; the message names the offending rule, slot or asset.</summary>
public sealed class CampaignDefinitionException : Exception
{
    public CampaignDefinitionException()
    {
    }

    public CampaignDefinitionException(string message)
        : base(message)
    {
    }

    public CampaignDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
