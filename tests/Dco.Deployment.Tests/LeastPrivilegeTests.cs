using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>
/// The app's identity holds exactly the roles it needs, each on the one resource it is for;
/// nothing in the templates grants a management role. The reasons for each role are in
/// app/rbac.bicep and docs/decisions/0004-azure-deployment.md.
/// </summary>
[Collection(CompiledMainCollection.Name)]
public sealed class LeastPrivilegeTests(CompiledMain compiled)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    private const string CosmosSqlRoleAssignmentType = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";
    private const string AppRolesModule = "appRoles";
    private const string DeployerRolesModule = "deployerRoles";

    /// <summary>Azure RBAC roles the app identity may hold.</summary>
    private static readonly Dictionary<string, string> AppRoleAllowList = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"] = "Cognitive Services OpenAI User",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
    };

    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    /// <summary>Roles that manage resources or access, or read keys: never granted by these templates.</summary>
    private static readonly Dictionary<string, string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42a0-ab88-20f7382dd24c"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c6a72d9e"] = "User Access Administrator",
        ["f58310d9-a9f6-439a-9e8d-f62e7b41a168"] = "Role Based Access Control Administrator",
        ["17d1049b-9a84-46fb-8f53-869881c3d3ab"] = "Storage Account Contributor",
        ["81a9662b-bebf-436f-a333-f67b29880f12"] = "Storage Account Key Operator Service Role",
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483"] = "Key Vault Administrator",
        ["5bd9cd88-fe45-4216-938b-f97437e15450"] = "DocumentDB Account Contributor",
        ["230815da-be43-4aae-9cb4-875f7bd000aa"] = "Cosmos DB Operator",
        ["25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68"] = "Cognitive Services Contributor",
        ["a001fd3d-188f-4b5d-821b-7da978bf7442"] = "Cognitive Services OpenAI Contributor",
        ["de139f84-1756-47ae-9be6-808fbbe84772"] = "Website Contributor",
    };

    [Fact]
    public void App_identity_holds_exactly_the_allow_listed_Azure_roles()
    {
        var granted = RoleIdsIn(compiled.Root.Child(AppRolesModule));

        var unexpected = granted.Where(id => !AppRoleAllowList.ContainsKey(id)).ToList();
        Assert.True(unexpected.Count == 0, $"Roles outside the allow-list: {Describe(unexpected)}");
        var missing = AppRoleAllowList.Keys.Where(id => !granted.Contains(id)).Select(id => AppRoleAllowList[id]).ToList();
        Assert.True(missing.Count == 0, $"Allow-listed roles the app no longer gets (update the allow-list and the ADR if intended): {string.Join(", ", missing)}");
    }

    [Fact]
    public void No_role_assignment_anywhere_grants_a_management_or_key_reading_role()
    {
        var granted = compiled.Root.SelfAndDescendants().SelectMany(RoleIdsIn).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var forbidden = granted.Where(Forbidden.ContainsKey).Select(id => Forbidden[id]).ToList();
        Assert.True(forbidden.Count == 0, $"Forbidden roles granted: {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Role_assignments_are_declared_only_in_the_app_and_deployer_modules()
    {
        var elsewhere = compiled.Root.AllResources()
            .Where(r => r.Type is RoleAssignmentType or CosmosSqlRoleAssignmentType)
            .Where(r => r.Deployment.Name is not (AppRolesModule or DeployerRolesModule))
            .ToList();

        Assert.True(elsewhere.Count == 0, $"Role assignments outside app/rbac.bicep and app/deployer-access.bicep: {string.Join(", ", elsewhere)}");
    }

    [Fact]
    public void App_role_assignments_go_to_the_app_identity_as_a_service_principal()
    {
        var appRoles = compiled.Root.Child(AppRolesModule);
        var assignments = appRoles.Resources.Where(r => r.Type is RoleAssignmentType or CosmosSqlRoleAssignmentType).ToList();

        Assert.Contains("reference('identity').outputs.principalId", appRoles.ParameterValue("principalId"), StringComparison.Ordinal);
        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.Equal("[parameters('principalId')]", a.Properties?["principalId"]?.ToString()));
        Assert.All(assignments.Where(a => a.Type == RoleAssignmentType), a => Assert.Equal("ServicePrincipal", a.Properties?["principalType"]?.ToString()));
    }

    [Fact]
    public void Azure_role_assignments_are_named_from_scope_principal_and_role_and_scoped_to_one_resource()
    {
        var assignments = compiled.Root.AllResources().Where(r => r.Type == RoleAssignmentType).ToList();

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a =>
        {
            var scope = a.Node["scope"]?.ToString();
            Assert.False(string.IsNullOrEmpty(scope), $"{a} has no scope: it would apply to the whole resource group.");
            Assert.StartsWith("[resourceId(", scope, StringComparison.Ordinal);
            var expectedPrefix = $"[guid({scope[1..^1]}, parameters('principalId'), ";
            Assert.StartsWith(expectedPrefix, a.NameExpression, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Cosmos_data_access_is_the_built_in_data_contributor_scoped_to_the_account()
    {
        var appRoles = compiled.Root.Child(AppRolesModule);
        var assignment = Assert.Single(compiled.Root.AllResources(), r => r.Type == CosmosSqlRoleAssignmentType);

        var roleIds = RoleIds.In(assignment.Properties!["roleDefinitionId"]!.ToString(), appRoles);
        Assert.Equal([CosmosBuiltInDataContributor], roleIds);
        Assert.Equal(
            "[resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName'))]",
            assignment.Properties!["scope"]!.ToString());
        Assert.Contains("guid(resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), parameters('principalId'), ", assignment.NameExpression, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployer_gets_only_Key_Vault_Secrets_Officer_and_only_when_a_principal_is_given()
    {
        var deployerRoles = compiled.Root.Child(DeployerRolesModule);

        Assert.Equal([KeyVaultSecretsOfficer], RoleIdsIn(deployerRoles));
        Assert.Contains("empty(parameters('deployerPrincipalId'))", deployerRoles.Condition, StringComparison.Ordinal);
        Assert.Equal("[parameters('deployerPrincipalId')]", deployerRoles.ParameterValue("principalId"));
    }

    private static HashSet<string> RoleIdsIn(ArmDeployment deployment) =>
        deployment.Resources
            .Where(r => r.Type == RoleAssignmentType)
            .SelectMany(r => RoleIds.In(r.Properties?["roleDefinitionId"]?.ToString() ?? string.Empty, deployment))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Describe(IEnumerable<string> ids) =>
        string.Join(", ", ids.Select(id => Forbidden.TryGetValue(id, out var name) ? $"{id} ({name})" : id));
}
