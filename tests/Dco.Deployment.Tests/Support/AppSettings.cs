using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dco.Infrastructure.Configuration;

namespace Dco.Deployment.Tests.Support;

/// <summary>An app setting the code binds: <c>&lt;SectionName&gt;__&lt;propertyName in camelCase&gt;</c>.</summary>
public sealed record BoundSetting(string Name, Type OptionsType, PropertyInfo Property, bool LocalEmulatorOnly);

/// <summary>
/// The settings contract of Dco.Infrastructure, by reflection: every type with a
/// <c>public const string SectionName</c> is an options class, so classes added later are
/// checked without touching the tests.
/// </summary>
public static class BoundSettings
{
    public static Assembly InfrastructureAssembly => typeof(LocalEmulatorOnlyAttribute).Assembly;

    public static IReadOnlyList<Type> OptionsTypes() =>
        [.. InfrastructureAssembly.GetTypes().Where(t => SectionNameField(t) is not null).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static IReadOnlyList<BoundSetting> All() =>
    [
        .. from type in OptionsTypes()
           let section = (string)SectionNameField(type)!.GetRawConstantValue()!
           from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
           where property.CanWrite && property.SetMethod!.IsPublic
           orderby property.Name
           select new BoundSetting(
               $"{section}__{CamelCase(property.Name)}",
               type,
               property,
               property.IsDefined(typeof(LocalEmulatorOnlyAttribute), inherit: true)),
    ];

    public static string CamelCase(string name) =>
        name.Length == 0 ? name : string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);

    private static FieldInfo? SectionNameField(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.FieldType == typeof(string)
            ? field
            : null;
}

/// <summary>An app setting the templates emit, with its value expression and the condition it is emitted under.</summary>
public sealed record EmittedSetting(string Name, string ValueExpression, string? Condition);

/// <summary>
/// The app settings the compiled main.bicep gives the Function App: the
/// Microsoft.Web/sites/config 'appsettings' resource (a literal object, or a union of
/// variables, some under if(...)) plus any siteConfig.appSettings entries.
/// </summary>
public sealed partial class EmittedAppSettings
{
    private EmittedAppSettings(ArmDeployment deployment, IReadOnlyDictionary<string, EmittedSetting> settings)
    {
        Deployment = deployment;
        Settings = settings;
    }

    /// <summary>The module that declares the Function App (api.bicep).</summary>
    public ArmDeployment Deployment { get; }

    public IReadOnlyDictionary<string, EmittedSetting> Settings { get; }

    public static EmittedAppSettings From(ArmDeployment root)
    {
        var configs = root.AllResources()
            .Where(r => r.Type.Equals("Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase)
                && r.NameExpression.Contains("appsettings", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (configs.Count != 1)
        {
            throw new InvalidOperationException($"Expected exactly one Microsoft.Web/sites/config 'appsettings' resource, found {configs.Count}.");
        }

        var config = configs[0];
        var settings = new Dictionary<string, EmittedSetting>(StringComparer.Ordinal);
        switch (config.Properties)
        {
            case JsonObject literal:
                Add(settings, literal, condition: null);
                break;
            case JsonValue value when value.ToString() is { } expression && expression.StartsWith('['):
                foreach (Match conditional in ConditionalVariable().Matches(expression))
                {
                    Add(settings, VariableObject(config.Deployment, conditional.Groups["variable"].Value), conditional.Groups["condition"].Value);
                }

                var withoutConditionals = ConditionalVariable().Replace(expression, string.Empty);
                foreach (Match variable in VariableReference().Matches(withoutConditionals))
                {
                    Add(settings, VariableObject(config.Deployment, variable.Groups["variable"].Value), condition: null);
                }

                if (settings.Count == 0)
                {
                    throw new InvalidOperationException($"Cannot read app setting names from '{expression}': use object literals in variables.");
                }

                break;
            default:
                throw new InvalidOperationException($"Unreadable appsettings properties: {config.Properties?.ToJsonString()}");
        }

        var site = config.Deployment.Resources.SingleOrDefault(r => r.Type.Equals("Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase));
        if (site?.Properties?["siteConfig"]?["appSettings"] is JsonArray siteSettings)
        {
            foreach (var entry in siteSettings.OfType<JsonObject>())
            {
                var name = entry["name"]?.ToString() ?? throw new InvalidOperationException("siteConfig.appSettings entry without a literal name.");
                settings[name] = new EmittedSetting(name, entry["value"]?.ToString() ?? string.Empty, null);
            }
        }

        return new EmittedAppSettings(config.Deployment, settings);
    }

    /// <summary>
    /// The value of a setting as the parent template passes it in: <c>[parameters('x')]</c> is
    /// replaced by the expression main.bicep gives for x (e.g. a module output reference).
    /// </summary>
    public string ResolvedValue(string settingName)
    {
        var expression = Settings[settingName].ValueExpression;
        return ParameterReference().Replace(expression, m => Unbracket(Deployment.ParameterValue(m.Groups["parameter"].Value)));
    }

    private static string Unbracket(string expression) =>
        expression.StartsWith('[') && expression.EndsWith(']') ? expression[1..^1] : $"'{expression}'";

    private static void Add(Dictionary<string, EmittedSetting> settings, JsonObject values, string? condition)
    {
        foreach (var (name, value) in values)
        {
            settings[name] = new EmittedSetting(name, value?.ToString() ?? string.Empty, condition);
        }
    }

    private static JsonObject VariableObject(ArmDeployment deployment, string name) =>
        deployment.Variable(name) as JsonObject
        ?? throw new InvalidOperationException($"Variable '{name}' in '{deployment.Name}' is not an object literal, so its setting names cannot be read.");

    [GeneratedRegex(@"if\((?<condition>[^,]+),\s*variables\('(?<variable>\w+)'\),\s*createObject\(\)\)")]
    private static partial Regex ConditionalVariable();

    [GeneratedRegex(@"variables\('(?<variable>\w+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"parameters\('(?<parameter>\w+)'\)")]
    private static partial Regex ParameterReference();
}
