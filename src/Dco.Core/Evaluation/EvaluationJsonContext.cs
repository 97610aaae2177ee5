using System.Text.Json.Serialization;

namespace Dco.Core.Evaluation;

/// <summary>Source-generated JSON for decision logs, policy snapshots and OPE reports.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DecisionLogRecord))]
[JsonSerializable(typeof(TabularPolicySnapshot))]
[JsonSerializable(typeof(OffPolicyReport))]
public sealed partial class EvaluationJsonContext : JsonSerializerContext;
