using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dco.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Dco.Deployment.Tests;

/// <summary>azure.yaml, main.parameters.json and the hooks fit main.bicep, so `azd up` has everything it needs.</summary>
[Collection(CompiledMainCollection.Name)]
public sealed partial class AzdProjectTests(CompiledMain compiled)
{
    // Set by azd itself, not by our outputs.
    private static readonly string[] AzdVariables = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE"];

    [Fact]
    public void Azure_yaml_points_azd_at_infra_bicep_main_and_the_Functions_project()
    {
        var root = AzureYaml();
        var infra = (YamlMappingNode)root["infra"];
        var api = (YamlMappingNode)((YamlMappingNode)root["services"])["api"];

        Assert.Equal("bicep", infra["provider"].ToString());
        Assert.Equal("infra-bicep", infra["path"].ToString());
        Assert.Equal("main", infra["module"].ToString());
        Assert.True(File.Exists(Repository.File("infra-bicep", "main.bicep")));
        Assert.Equal("function", api["host"].ToString());
        Assert.Equal("dotnet", api["language"].ToString());
        Assert.True(File.Exists(Path.Combine(Repository.Root, api["project"].ToString(), "Dco.Functions.csproj")));
    }

    [Fact]
    public void Function_App_carries_the_azd_service_tag_of_the_api_service()
    {
        var site = Assert.Single(compiled.Root.AllResources(), r => r.Type == "Microsoft.Web/sites");

        Assert.Contains("createObject('azd-service-name', 'api')", site.Node["tags"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_yaml_hooks_exist_and_are_executable()
    {
        var hooks = (YamlMappingNode)AzureYaml()["hooks"];
        var scripts = hooks.Children.Values
            .Cast<YamlMappingNode>()
            .Select(hook => ((YamlMappingNode)hook["posix"])["run"].ToString().Split(' ')[0])
            .ToList();

        Assert.Equal(2, scripts.Count);
        Assert.All(scripts, script =>
        {
            var path = Path.Combine(Repository.Root, script);
            Assert.True(File.Exists(path), $"{script} is missing");
            if (!OperatingSystem.IsWindows())
            {
                Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");
            }
        });
    }

    [Fact]
    public void Parameters_file_sets_only_declared_parameters_and_every_required_one()
    {
        var declared = compiled.Root.TemplateParameters!;
        var given = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.InfraBicep, "main.parameters.json")))!["parameters"]!.AsObject();

        var unknown = given.Select(p => p.Key).Where(k => !declared.ContainsKey(k)).ToList();
        var required = declared.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key).ToList();

        Assert.True(unknown.Count == 0, $"main.parameters.json sets parameters main.bicep does not declare: {string.Join(", ", unknown)}");
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(given.ContainsKey(name), $"Required parameter {name} is not in main.parameters.json"));
    }

    [Fact]
    public void Parameters_file_defaults_agree_with_the_defaults_in_main_bicep()
    {
        var declared = compiled.Root.TemplateParameters!;
        var given = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.InfraBicep, "main.parameters.json")))!["parameters"]!.AsObject();

        var withDefaults = given
            .Select(p => (Name: p.Key, Match: SubstitutionWithDefault().Match(p.Value!["value"]!.ToString())))
            .Where(p => p.Match.Success)
            .ToList();

        Assert.NotEmpty(withDefaults);
        Assert.All(withDefaults, p =>
        {
            var bicepDefault = declared[p.Name]!["defaultValue"]?.ToString();
            Assert.True(
                string.Equals(bicepDefault, p.Match.Groups["default"].Value, StringComparison.OrdinalIgnoreCase),
                $"{p.Name}: main.parameters.json defaults to '{p.Match.Groups["default"].Value}', main.bicep to '{bicepDefault}'");
        });
    }

    [Fact]
    public void Every_option_variable_of_the_parameters_file_is_documented_in_deploy_md()
    {
        var parameters = File.ReadAllText(Path.Combine(Repository.InfraBicep, "main.parameters.json"));
        var guide = File.ReadAllText(Repository.File("docs", "deploy.md"));

        var options = SubstitutionWithDefault().Matches(parameters).Select(m => m.Groups["variable"].Value).Distinct().ToList();
        var undocumented = options.Where(o => !guide.Contains($"`{o}`", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(options);
        Assert.True(undocumented.Count == 0, $"Not documented in docs/deploy.md: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Every_variable_the_hooks_read_is_an_output_of_main_or_set_by_azd()
    {
        var outputs = compiled.Root.Outputs!.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var hooks = Directory.EnumerateFiles(Path.Combine(Repository.InfraBicep, "hooks"), "*.sh").ToList();

        var read = hooks
            .SelectMany(h => EnvironmentReference().Matches(File.ReadAllText(h)).Select(m => (Hook: Path.GetFileName(h), Name: m.Groups["name"].Value)))
            .Distinct()
            .ToList();
        var unknown = read.Where(r => !outputs.Contains(r.Name) && !AzdVariables.Contains(r.Name)).ToList();

        Assert.NotEmpty(read);
        Assert.True(unknown.Count == 0, $"Hooks read variables nothing sets: {string.Join(", ", unknown)}");
    }

    private static YamlMappingNode AzureYaml()
    {
        using var reader = new StreamReader(Repository.File("azure.yaml"));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    // ${NAME=default}: azd's substitution with a default.
    [GeneratedRegex(@"\$\{(?<variable>[A-Z0-9_]+)=(?<default>[^}]*)\}")]
    private static partial Regex SubstitutionWithDefault();

    // $AZURE_X, ${AZURE_X:-}, and names listed in the hooks' "for name in ..." checks.
    [GeneratedRegex(@"\b(?<name>(AZURE|SERVICE|TRACKING)_[A-Z0-9_]+)\b")]
    private static partial Regex EnvironmentReference();
}
