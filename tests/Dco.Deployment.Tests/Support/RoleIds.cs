using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dco.Deployment.Tests.Support;

/// <summary>
/// Every role definition id an ARM expression can produce: literal GUIDs plus the GUIDs in
/// the variables it reads (a copy loop over an array variable yields all of them).
/// Over-collects rather than under-collects, so an allow-list check cannot miss a role.
/// </summary>
public static partial class RoleIds
{
    public static IReadOnlySet<string> In(string expression, ArmDeployment deployment)
    {
        // A parameter may name the resource in a scope (resourceId('type', parameters('name'))), never the role.
        if (ParameterReference().IsMatch(ResourceIdOfParameter().Replace(expression, string.Empty)))
        {
            throw new InvalidOperationException($"Role definition '{expression}' comes from a parameter: roles must be fixed in the template.");
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Collect(expression, deployment, ids, depth: 0);
        return ids;
    }

    /// <summary>A variable's string value, following <c>[variables('x')]</c> indirections.</summary>
    public static string? VariableString(ArmDeployment deployment, string name)
    {
        var value = deployment.Variable(name)?.ToString();
        for (var i = 0; i < 8 && value is not null; i++)
        {
            var match = WholeVariableReference().Match(value);
            if (!match.Success)
            {
                return value;
            }

            value = deployment.Variable(match.Groups["name"].Value)?.ToString();
        }

        return value;
    }

    private static void Collect(string expression, ArmDeployment deployment, HashSet<string> ids, int depth)
    {
        if (depth > 8)
        {
            throw new InvalidOperationException($"Variable references nest too deep in '{expression}'.");
        }

        foreach (Match guid in Guid().Matches(expression))
        {
            ids.Add(guid.Value);
        }

        foreach (Match reference in VariableReference().Matches(expression))
        {
            var node = deployment.Variable(reference.Groups["name"].Value);
            if (reference.Groups["property"].Success)
            {
                node = node?[reference.Groups["property"].Value];
            }

            foreach (var text in Strings(node))
            {
                Collect(text, deployment, ids, depth + 1);
            }
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node switch
        {
            JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
            JsonArray array => array.SelectMany(Strings),
            JsonValue value => [value.ToString()],
            _ => [],
        };

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)(\.(?<property>\w+))?")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeVariableReference();

    [GeneratedRegex(@"resourceId\('[^']+',\s*parameters\('\w+'\)\)")]
    private static partial Regex ResourceIdOfParameter();

    [GeneratedRegex(@"parameters\('")]
    private static partial Regex ParameterReference();
}
