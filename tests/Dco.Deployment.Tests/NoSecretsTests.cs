using System.Text.Json.Nodes;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>No template reads, holds or passes a key, and every service that has local (key) auth has it off.</summary>
[Collection(CompiledMainCollection.Name)]
public sealed class NoSecretsTests(CompiledMain compiled)
{
    [Fact]
    public void No_bicep_source_lists_keys_or_holds_a_secret()
    {
        var findings = Repository.BicepFiles()
            .SelectMany(f => SecretScanner.Scan(Path.GetRelativePath(Repository.Root, f), File.ReadAllText(f)))
            .ToList();

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Fact]
    public void Compiled_template_lists_no_keys_and_holds_no_secret()
    {
        _ = compiled.Root;
        var findings = SecretScanner.Scan("main.json (compiled)", compiled.CompiledJson);

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Fact]
    public void Parameters_file_holds_no_secret()
    {
        var path = Path.Combine(Repository.InfraBicep, "main.parameters.json");
        var findings = SecretScanner.Scan("main.parameters.json", File.ReadAllText(path));

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Fact]
    public void Storage_accounts_refuse_shared_key_access_and_public_blobs()
    {
        var accounts = Resources("Microsoft.Storage/storageAccounts");

        Assert.NotEmpty(accounts);
        Assert.All(accounts, a =>
        {
            Assert.Equal("false", Json(a.Properties?["allowSharedKeyAccess"]));
            Assert.Equal("false", Json(a.Properties?["allowBlobPublicAccess"]));
            Assert.Equal("true", Json(a.Properties?["defaultToOAuthAuthentication"]));
        });
    }

    [Fact]
    public void Cosmos_accounts_disable_local_auth_and_key_based_metadata_writes()
    {
        var accounts = Resources("Microsoft.DocumentDB/databaseAccounts");

        Assert.NotEmpty(accounts);
        Assert.All(accounts, a =>
        {
            Assert.Equal("true", Json(a.Properties?["disableLocalAuth"]));
            Assert.Equal("true", Json(a.Properties?["disableKeyBasedMetadataWriteAccess"]));
        });
    }

    [Fact]
    public void Application_Insights_and_Log_Analytics_accept_only_Entra_authenticated_ingestion()
    {
        var components = Resources("Microsoft.Insights/components");
        var workspaces = Resources("Microsoft.OperationalInsights/workspaces");

        Assert.NotEmpty(components);
        Assert.NotEmpty(workspaces);
        Assert.All(components, c => Assert.Equal("true", Json(c.Properties?["DisableLocalAuth"])));
        Assert.All(workspaces, w => Assert.Equal("true", Json(w.Properties?["features"]?["disableLocalAuth"])));
    }

    [Fact]
    public void Azure_OpenAI_accounts_disable_local_auth()
    {
        var accounts = Resources("Microsoft.CognitiveServices/accounts");

        Assert.NotEmpty(accounts);
        Assert.All(accounts, a => Assert.Equal("true", Json(a.Properties?["disableLocalAuth"])));
    }

    [Fact]
    public void Key_Vault_uses_Azure_RBAC_and_soft_delete_not_access_policies()
    {
        var vaults = Resources("Microsoft.KeyVault/vaults");

        Assert.NotEmpty(vaults);
        Assert.All(vaults, v =>
        {
            Assert.Equal("true", Json(v.Properties?["enableRbacAuthorization"]));
            Assert.Equal("true", Json(v.Properties?["enableSoftDelete"]));
            Assert.Null(v.Properties?["accessPolicies"]);
        });
    }

    [Fact]
    public void Function_App_has_no_basic_publishing_credentials()
    {
        var policies = Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.ChildName).Order());
        Assert.All(policies, p => Assert.Equal("false", Json(p.Properties?["allow"])));
    }

    [Fact]
    public void Function_App_and_deployment_storage_use_the_user_assigned_identity()
    {
        var site = Assert.Single(Resources("Microsoft.Web/sites"));

        Assert.Equal("UserAssigned", site.Node["identity"]?["type"]?.ToString());
        Assert.Equal("UserAssignedIdentity", site.Properties?["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["type"]?.ToString());
        Assert.Equal("true", Json(site.Properties?["httpsOnly"]));
    }

    [Fact]
    public void Outputs_carry_no_secret()
    {
        var outputs = compiled.Root.SelfAndDescendants().SelectMany(d => (IEnumerable<KeyValuePair<string, JsonNode?>>?)d.Outputs ?? []).ToList();

        Assert.NotEmpty(outputs);
        Assert.All(outputs, o =>
        {
            Assert.NotEqual("securestring", o.Value?["type"]?.ToString(), StringComparer.OrdinalIgnoreCase);
            Assert.Empty(SecretScanner.Scan($"output {o.Key}", o.Value?.ToJsonString() ?? string.Empty));
        });
    }

    private List<ArmResource> Resources(string type) =>
        [.. compiled.Root.AllResources().Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase))];

    private static string? Json(JsonNode? node) => node?.ToJsonString();
}
