using System.Text.Json.Serialization;

namespace Dco.Core.Decisioning;

/// <summary>Source-generated JSON for campaign definitions, decision records, explanations, feedback and learner state.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(CampaignDefinition))]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(DecisionExplanation))]
[JsonSerializable(typeof(FeedbackEvent))]
[JsonSerializable(typeof(LearnerStateDocument))]
public sealed partial class DecisioningJsonContext : JsonSerializerContext;
