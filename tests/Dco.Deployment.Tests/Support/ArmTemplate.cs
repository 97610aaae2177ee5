using System.Text.Json.Nodes;

namespace Dco.Deployment.Tests.Support;

/// <summary>A resource of a compiled ARM template, with the deployment (module) that declares it.</summary>
public sealed record ArmResource(string SymbolicName, string Type, JsonObject Node, ArmDeployment Deployment)
{
    public string? Condition => Node["condition"]?.ToString();

    public JsonNode? Properties => Node["properties"];

    public string NameExpression => Node["name"]?.ToString() ?? string.Empty;

    /// <summary>The last segment of a child resource's name when it is a literal (<c>format('{0}/{1}', parameters('name'), 'ftp')</c> → ftp).</summary>
    public string ChildName
    {
        get
        {
            var name = NameExpression;
            if (!name.StartsWith('['))
            {
                return name.Split('/')[^1];
            }

            var end = name.LastIndexOf('\'');
            var start = end > 0 ? name.LastIndexOf('\'', end - 1) : -1;
            return start >= 0 ? name[(start + 1)..end] : name;
        }
    }

    public override string ToString() => $"{Type} '{SymbolicName}' in deployment '{Deployment.Name}'";
}

/// <summary>
/// One template of the compiled main.bicep: the root, or a module (a nested
/// Microsoft.Resources/deployments resource with an inline template). Handles both the
/// array and the symbolic-name (languageVersion 2.0) layouts of "resources".
/// </summary>
public sealed class ArmDeployment
{
    private const string DeploymentType = "Microsoft.Resources/deployments";

    private ArmDeployment(string name, JsonObject template, JsonObject? deploymentResource, ArmDeployment? parent)
    {
        Name = name;
        Template = template;
        DeploymentResource = deploymentResource;
        Parent = parent;
        Resources = [.. EnumerateResources(template).Select(r => new ArmResource(r.Key, r.Node["type"]?.ToString() ?? string.Empty, r.Node, this))];
        Children =
        [
            .. Resources
                .Where(r => r.Type.Equals(DeploymentType, StringComparison.OrdinalIgnoreCase) && r.Node["properties"]?["template"] is JsonObject)
                .Select(r => new ArmDeployment(r.NameExpression, (JsonObject)r.Node["properties"]!["template"]!, r.Node, this)),
        ];
    }

    public string Name { get; }

    public JsonObject Template { get; }

    /// <summary>The Microsoft.Resources/deployments resource in the parent; null for the root template.</summary>
    public JsonObject? DeploymentResource { get; }

    public ArmDeployment? Parent { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public IReadOnlyList<ArmDeployment> Children { get; }

    public static ArmDeployment Root(JsonObject template) => new("main", template, null, null);

    public IEnumerable<ArmDeployment> SelfAndDescendants() => Children.SelectMany(c => c.SelfAndDescendants()).Prepend(this);

    public IEnumerable<ArmResource> AllResources() => SelfAndDescendants().SelectMany(d => d.Resources);

    public ArmDeployment Child(string name) =>
        Children.SingleOrDefault(c => c.Name == name)
        ?? throw new InvalidOperationException($"No module deployment named '{name}' in '{Name}' (have: {string.Join(", ", Children.Select(c => c.Name))}).");

    /// <summary>The condition on the module itself (e.g. <c>if (enableOpenAi)</c>), as ARM JSON text; null when unconditional.</summary>
    public string? Condition => DeploymentResource?["condition"]?.ToString();

    /// <summary>The expression the parent passes for one of this module's parameters.</summary>
    public string ParameterValue(string parameterName)
    {
        var parameters = DeploymentResource?["properties"]?["parameters"] as JsonObject
            ?? throw new InvalidOperationException($"Deployment '{Name}' has no parameters (it is the root template).");
        return parameters[parameterName] switch
        {
            JsonObject { } wrapper when wrapper.ContainsKey("value") => wrapper["value"]?.ToString() ?? "null",
            JsonNode node => node.ToString(),
            null => throw new InvalidOperationException($"Deployment '{Name}' gets no value for parameter '{parameterName}'."),
        };
    }

    public JsonNode? Variable(string name) => Template["variables"]?[name];

    public JsonObject? TemplateParameters => Template["parameters"] as JsonObject;

    public JsonObject? Outputs => Template["outputs"] as JsonObject;

    private static IEnumerable<(string Key, JsonObject Node)> EnumerateResources(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>().Select((node, index) => (node["name"]?.ToString() ?? $"#{index}", node)),
            JsonObject map => map.Where(p => p.Value is JsonObject).Select(p => (p.Key, (JsonObject)p.Value!)),
            _ => [],
        };
}
