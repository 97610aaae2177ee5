using System.Text.Json.Nodes;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>
/// Every app setting the code reads in Azure is produced by the templates, with a value that
/// comes from the deployed resource or identity; emulator-only settings never are; and the
/// local settings sample has no key Azure would lack.
/// </summary>
[Collection(CompiledMainCollection.Name)]
public sealed class AppSettingsParityTests(CompiledMain compiled)
{
    private const string IdentityClientId = "reference('identity').outputs.clientId.value";

    /// <summary>Sample keys that Azure replaces with something else, and what replaces them.</summary>
    private static readonly Dictionary<string, string> ReplacedInAzure = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage"] = "identity-based AzureWebJobsStorage__* settings (no connection string)",
        ["FUNCTIONS_WORKER_RUNTIME"] = "functionAppConfig.runtime.name on Flex Consumption (not an app setting there)",
        ["AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX"] = "nothing: the real service plans queries itself; only the local stand-in needs the SDK's Linux interop",
    };

    private EmittedAppSettings Emitted => EmittedAppSettings.From(compiled.Root);

    [Fact]
    public void Options_discovery_finds_the_Cosmos_settings_and_marks_the_emulator_only_ones()
    {
        var bound = BoundSettings.All().ToDictionary(s => s.Name);

        Assert.False(bound["COSMOS__accountEndpoint"].LocalEmulatorOnly);
        Assert.False(bound["COSMOS__databaseName"].LocalEmulatorOnly);
        Assert.False(bound["COSMOS__clientId"].LocalEmulatorOnly);
        Assert.True(bound["COSMOS__accountKey"].LocalEmulatorOnly);
        Assert.True(bound["COSMOS__allowInsecureLoopback"].LocalEmulatorOnly);
    }

    [Fact]
    public void Every_setting_the_code_binds_in_Azure_is_emitted_by_the_templates()
    {
        var emitted = Emitted.Settings;
        var missing = BoundSettings.All()
            .Where(s => !s.LocalEmulatorOnly && !emitted.ContainsKey(s.Name))
            .Select(s => $"{s.Name} ({s.OptionsType.Name}.{s.Property.Name})")
            .ToList();

        Assert.True(missing.Count == 0, $"Bound by the code but not emitted by infra-bicep/app/api.bicep: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Emulator_only_settings_are_never_emitted()
    {
        var emitted = Emitted.Settings;
        var leaked = BoundSettings.All().Where(s => s.LocalEmulatorOnly && emitted.ContainsKey(s.Name)).Select(s => s.Name).ToList();

        Assert.True(leaked.Count == 0, $"[LocalEmulatorOnly] settings emitted to Azure: {string.Join(", ", leaked)}");
    }

    [Fact]
    public void Every_key_of_the_local_settings_sample_is_emitted_or_local_only_or_replaced()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Repository.File("local.settings.sample.json")))!["Values"]!.AsObject();
        var localOnly = BoundSettings.All().Where(s => s.LocalEmulatorOnly).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var emitted = Emitted.Settings;

        var unaccounted = sample
            .Select(p => p.Key)
            .Where(key => !emitted.ContainsKey(key) && !localOnly.Contains(key) && !ReplacedInAzure.ContainsKey(key))
            .ToList();

        Assert.NotEmpty(sample);
        Assert.True(unaccounted.Count == 0, $"In local.settings.sample.json but missing in Azure: {string.Join(", ", unaccounted)}. Emit them in app/api.bicep, or mark the property [LocalEmulatorOnly].");
    }

    [Fact]
    public void Replaced_sample_keys_have_their_replacement_in_the_templates()
    {
        var site = Assert.Single(compiled.Root.AllResources(), r => r.Type == "Microsoft.Web/sites");

        Assert.Equal("dotnet-isolated", site.Properties?["functionAppConfig"]?["runtime"]?["name"]?.ToString());
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", Emitted.Settings.Keys);
        Assert.All(ReplacedInAzure.Keys, key => Assert.DoesNotContain(key, Emitted.Settings.Keys));
    }

    [Fact]
    public void Host_storage_is_reached_with_the_app_identity_not_a_connection_string()
    {
        var emitted = Emitted;

        Assert.Equal("managedidentity", emitted.Settings["AzureWebJobsStorage__credential"].ValueExpression);
        Assert.Equal($"[{IdentityClientId}]", emitted.ResolvedValue("AzureWebJobsStorage__clientId"));
        Assert.Equal("[reference('storage').outputs.blobEndpoint.value]", emitted.ResolvedValue("AzureWebJobsStorage__blobServiceUri"));
        Assert.Equal("[reference('storage').outputs.queueEndpoint.value]", emitted.ResolvedValue("AzureWebJobsStorage__queueServiceUri"));
        Assert.Equal("[reference('storage').outputs.tableEndpoint.value]", emitted.ResolvedValue("AzureWebJobsStorage__tableServiceUri"));
    }

    [Fact]
    public void Every_client_id_setting_names_the_app_identity()
    {
        var emitted = Emitted;
        var clientIdSettings = emitted.Settings.Keys
            .Where(k => k.EndsWith("__clientId", StringComparison.Ordinal) || k == "AZURE_CLIENT_ID")
            .ToList();

        Assert.Contains("COSMOS__clientId", clientIdSettings);
        Assert.All(clientIdSettings, k => Assert.Equal($"[{IdentityClientId}]", emitted.ResolvedValue(k)));
        Assert.Contains(IdentityClientId, emitted.ResolvedValue("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", emitted.Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].ValueExpression, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_endpoints_come_from_the_deployed_resources()
    {
        var emitted = Emitted;

        Assert.Equal("[reference('cosmos').outputs.endpoint.value]", emitted.ResolvedValue("COSMOS__accountEndpoint"));
        Assert.Equal("[reference('cosmos').outputs.databaseName.value]", emitted.ResolvedValue("COSMOS__databaseName"));
        Assert.Equal("[reference('keyVault').outputs.uri.value]", emitted.ResolvedValue("TRACKING__keyVaultUri"));
        Assert.Contains("reference('openAi').outputs.endpoint.value", emitted.ResolvedValue("OPENAI__endpoint"), StringComparison.Ordinal);
        Assert.Contains("reference('openAi').outputs.deploymentName.value", emitted.ResolvedValue("OPENAI__deployment"), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenAI_settings_are_emitted_exactly_when_OpenAI_is_deployed()
    {
        var emitted = Emitted;

        Assert.Equal("parameters('enableOpenAi')", emitted.Settings["OPENAI__endpoint"].Condition);
        Assert.Equal("parameters('enableOpenAi')", emitted.Settings["OPENAI__deployment"].Condition);
        Assert.Equal("[parameters('enableOpenAi')]", emitted.Deployment.ParameterValue("enableOpenAi"));
        Assert.Equal("[parameters('enableOpenAi')]", compiled.Root.Child("openAi").Condition);
        Assert.All(emitted.Settings.Values.Where(s => !s.Name.StartsWith("OPENAI__", StringComparison.Ordinal)), s => Assert.Null(s.Condition));
    }

    [Fact]
    public void Durable_hub_name_is_the_one_in_host_json()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Repository.File("host.json")))!;
        var hubInHostJson = hostJson["extensions"]!["durableTask"]!["hubName"]!.ToString();

        Assert.Equal("[variables('durableHubName')]", Emitted.ResolvedValue("DURABLE__hubName"));
        Assert.Equal(hubInHostJson, RoleIds.VariableString(compiled.Root, "durableHubName"));
    }

    [Fact]
    public void No_setting_value_holds_a_secret()
    {
        var findings = Emitted.Settings.Values
            .SelectMany(s => SecretScanner.Scan(s.Name, $"{s.Name}={s.ValueExpression}"))
            .ToList();

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }
}
