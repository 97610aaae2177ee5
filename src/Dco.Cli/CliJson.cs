using System.Text.Encodings.Web;
using System.Text.Json;
using Dco.Core.Evaluation;
using Dco.Core.Simulation;

namespace Dco.Cli;

/// <summary>
/// Indented variants of Core's source-generated JSON contexts, for humans reading the CLI's output
/// (relaxed escaping: the output goes to a terminal or a file, never into HTML).
/// </summary>
internal static class CliJson
{
    public static EvaluationJsonContext Indented { get; } =
        new(new JsonSerializerOptions(EvaluationJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static SimulationJsonContext IndentedSimulation { get; } =
        new(new JsonSerializerOptions(SimulationJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
