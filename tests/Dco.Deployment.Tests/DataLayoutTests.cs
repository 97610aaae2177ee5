using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>Cosmos containers, blob containers and queues are the ones in shared/DESIGN.md's data table.</summary>
[Collection(CompiledMainCollection.Name)]
public sealed partial class DataLayoutTests(CompiledMain compiled)
{
    /// <summary>
    /// Where the code knowingly differs from DESIGN.md's data table, each with the decision record that says why.
    /// </summary>
    private static readonly Dictionary<string, (string PartitionKey, bool Ttl)> DeviationsFromDesign = new(StringComparer.Ordinal)
    {
        // docs/decisions/0007: events expire after TRACKING__eventRetention (never before their decision).
        ["events"] = ("/campaignId", true),
    };

    /// <summary>The schema the code creates locally (emulator initializer): container → (partition key, TTL on).</summary>
    private static readonly Dictionary<string, (string PartitionKey, bool Ttl)> Schema = new(StringComparer.Ordinal)
    {
        ["campaigns"] = ("/id", false),
        ["assets"] = ("/campaignId", false),
        ["brandKits"] = ("/id", false),
        ["decisions"] = ("/campaignId", true),
        ["events"] = ("/campaignId", true),
        ["stats"] = ("/campaignId", false),
        ["signals"] = ("/source", false),
        ["profiles"] = ("/userKey", true),
    };

    [Fact]
    public void Cosmos_containers_have_the_partition_keys_and_TTL_the_code_expects()
    {
        Assert.Equal(Schema, DeployedContainers());
    }

    [SkippableFact]
    public void Cosmos_containers_match_the_data_table_of_DESIGN_md()
    {
        var shared = Repository.SharedDirectory();
        Skip.If(shared is null, "Skipped: shared/DESIGN.md not found (set DCO_SHARED_DIR or place shared/ beside the repository).");

        var design = File.ReadAllText(Path.Combine(shared, "DESIGN.md"));
        var table = DataTableRow().Matches(design)
            .ToDictionary(
                m => m.Groups["container"].Value,
                m => (m.Groups["key"].Value, m.Groups["holds"].Value.Contains("TTL", StringComparison.Ordinal)));

        Assert.NotEmpty(table);
        foreach (var (container, deviation) in DeviationsFromDesign)
        {
            Assert.NotEqual(deviation, table[container]); // a deviation DESIGN.md has caught up with is removed here
            table[container] = deviation;
        }

        Assert.Equal(table, DeployedContainers());
    }

    [Fact]
    public void Cosmos_database_is_dco()
    {
        Assert.Equal("dco", RoleIds.VariableString(compiled.Root, "cosmosDatabaseName"));
        Assert.Equal("[variables('cosmosDatabaseName')]", compiled.Root.Child("cosmos").ParameterValue("databaseName"));
    }

    [Fact]
    public void Cosmos_is_serverless_by_default_and_autoscale_by_parameter()
    {
        var mode = compiled.Root.TemplateParameters!["cosmosThroughputMode"]!;
        var cosmos = compiled.Root.Child("cosmos");
        var account = Assert.Single(cosmos.Resources, r => r.Type == "Microsoft.DocumentDB/databaseAccounts");
        var database = Assert.Single(cosmos.Resources, r => r.Type == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases");

        Assert.Equal("serverless", mode["defaultValue"]!.ToString());
        Assert.Equal(["autoscale", "serverless"], mode["allowedValues"]!.AsArray().Select(v => v!.ToString()).Order());
        Assert.Contains("EnableServerless", account.Properties!["capabilities"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("autoscaleSettings", database.Properties!["options"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_containers_are_the_asset_stages_and_the_deployment_package()
    {
        var names = StringArrayVariable(compiled.Root.Child("storage"), "blobContainerNames");

        Assert.Equal(["[parameters('deploymentContainerName')]", "assets-approved", "assets-incoming", "assets-quarantine"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Queues_are_events_and_signals_with_their_poison_twins()
    {
        var names = StringArrayVariable(compiled.Root.Child("storage"), "queueNames");

        Assert.Equal(["events", "events-poison", "signals", "signals-poison"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Blob_events_of_the_storage_account_are_published_by_an_Event_Grid_system_topic()
    {
        var topic = Assert.Single(compiled.Root.AllResources(), r => r.Type == "Microsoft.EventGrid/systemTopics");

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.Properties!["topicType"]!.ToString());
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]", topic.Properties!["source"]!.ToString());
    }

    private Dictionary<string, (string PartitionKey, bool Ttl)> DeployedContainers()
    {
        var cosmos = compiled.Root.Child("cosmos");
        var specs = cosmos.Variable("containerSpecs") as JsonArray
            ?? throw new InvalidOperationException("cosmos.bicep no longer declares the containerSpecs array.");
        var container = Assert.Single(cosmos.Resources, r => r.Type == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        var resource = container.Properties!["resource"]!.ToString();

        // The container resource must take its id, partition key and TTL from the specs, not from elsewhere.
        Assert.Contains("variables('containerSpecs')[copyIndex()].partitionKey", resource, StringComparison.Ordinal);
        Assert.Contains("createObject('defaultTtl', -1)", resource, StringComparison.Ordinal);
        return specs.OfType<JsonObject>().ToDictionary(
            s => s["name"]!.ToString(),
            s => (s["partitionKey"]!.ToString(), s["ttl"]!.GetValue<bool>()));
    }

    private static List<string> StringArrayVariable(ArmDeployment deployment, string name) =>
        (deployment.Variable(name) as JsonArray ?? throw new InvalidOperationException($"Variable '{name}' is not an array in '{deployment.Name}'."))
        .Select(v => v!.ToString())
        .ToList();

    // | `campaigns` | `/id` | campaign: ... |
    [GeneratedRegex(@"^\|\s*`(?<container>\w+)`\s*\|\s*`(?<key>/\w+)`\s*\|(?<holds>[^\n]*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex DataTableRow();
}
