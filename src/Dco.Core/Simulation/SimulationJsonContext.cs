using System.Text.Json.Serialization;

namespace Dco.Core.Simulation;

/// <summary>Source-generated JSON for simulation reports.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SimulationReport))]
public sealed partial class SimulationJsonContext : JsonSerializerContext;
