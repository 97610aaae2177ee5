using System.Reflection;
using System.Text.Json.Nodes;
using Dco.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Tests.Management;

public sealed class OpenApiDocumentTests
{
    private static readonly JsonObject Document = new OpenApiDocument().Parse();

    /// <summary>Found independently of the builder: every [Function] method with an [HttpTrigger] parameter.</summary>
    public static TheoryData<string, string, string> HttpFunctions()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var method in typeof(DependencyInjection).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            foreach (var verb in trigger.Methods ?? ["get"])
            {
                data.Add(function.Name, "/api/" + (trigger.Route ?? function.Name).Trim('/'), verb.ToLowerInvariant());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Every_http_function_appears_with_its_route_and_method(string name, string path, string method)
    {
        var operation = Document["paths"]?[path]?[method];

        Assert.NotNull(operation);
        Assert.Equal(name, operation!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public void The_assembly_has_the_management_and_openapi_functions()
    {
        var names = HttpFunctions().Select(row => (string)row[0]).ToHashSet();

        Assert.Superset(new HashSet<string> { "ManageCampaignCreate", "ManageCampaignRules", "ManageBrandKitDelete", "OpenApiDocument" }, names);
    }

    [Fact]
    public void Admin_functions_require_the_admin_key_in_header_or_query()
    {
        var security = Document["paths"]!["/api/manage/campaigns/{id}"]!["put"]!["security"]!.AsArray();

        Assert.Equal(["adminKey", "adminKeyQuery"], security.Select(s => s!.AsObject().Single().Key));
        Assert.Equal("x-functions-key", Document["components"]!["securitySchemes"]!["adminKey"]!["name"]!.GetValue<string>());
        Assert.Equal("code", Document["components"]!["securitySchemes"]!["adminKeyQuery"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Anonymous_functions_need_no_key()
    {
        Assert.Empty(Document["paths"]!["/api/openapi.json"]!["get"]!["security"]!.AsArray());
    }

    [Fact]
    public void Route_parameters_are_path_parameters()
    {
        var parameter = Document["paths"]!["/api/manage/campaigns/{id}/rules"]!["put"]!["parameters"]![0]!;

        Assert.Equal("id", parameter["name"]!.GetValue<string>());
        Assert.Equal("path", parameter["in"]!.GetValue<string>());
    }

    [Fact]
    public void Request_body_schema_references_the_campaign_document_component_with_its_properties()
    {
        var body = Document["paths"]!["/api/manage/campaigns"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var campaign = Document["components"]!["schemas"]!["CampaignDocument"]!;

        Assert.Equal("#/components/schemas/CampaignDocument", body["$ref"]!.GetValue<string>());
        Assert.NotNull(campaign["properties"]!["definition"]);
        Assert.Contains("id", campaign["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Decide_documents_its_request_body_and_the_fields_of_its_answer()
    {
        var decide = Document["paths"]!["/api/decide"]!["post"]!;
        var components = Document["components"]!["schemas"]!;
        JsonNode Component(JsonNode reference) => components[reference["$ref"]!.GetValue<string>()["#/components/schemas/".Length..]]!;

        var request = Component(decide["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(["campaignId", "consent", "context", "placementId", "segments", "viewerId"], PropertyNames(request).Order());

        var answer = Component(decide["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(
            ["assets", "campaignId", "clickUrl", "consent", "decisionId", "defaultReason", "explanation", "html", "impressionUrl", "isDefault", "policy", "policyVersion", "propensity"],
            PropertyNames(answer).Order());
        var asset = answer["properties"]!["assets"]!["items"]!;
        Assert.Contains("clickUrl", PropertyNames(asset.AsObject().ContainsKey("$ref") ? Component(asset) : asset));
        Assert.Contains("CampaignFrequencyCap", answer["properties"]!["defaultReason"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.All(["400", "403", "404", "413"], status => Assert.NotNull(decide["responses"]![status]));
    }

    private static IEnumerable<string> PropertyNames(JsonNode schema) => schema["properties"]!.AsObject().Select(p => p.Key);

    [Fact]
    public void Every_schema_reference_resolves_to_a_component()
    {
        var components = Document["components"]!["schemas"]!.AsObject();
        var references = new List<string>();
        Collect(Document, references);

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(r.StartsWith("#/components/schemas/", StringComparison.Ordinal) && components.ContainsKey(r["#/components/schemas/".Length..]), $"dangling $ref {r}"));
    }

    [Fact]
    public void Polymorphic_conditions_keep_their_type_discriminator()
    {
        var json = Document["components"]!["schemas"]!.ToJsonString();

        Assert.Contains("\"compare\"", json, StringComparison.Ordinal);
        Assert.Contains("\"timeWindow\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursive_conditions_refer_to_the_condition_component()
    {
        var not = Document["components"]!["schemas"]!["Condition"]!["anyOf"]!.AsArray().Single(v => v!["properties"]!["type"]!["const"]!.GetValue<string>() == "not")!;

        Assert.Equal("#/components/schemas/Condition", not["properties"]!["condition"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Repeated_collection_types_are_inlined_not_referenced_by_position()
    {
        var inCondition = Document["components"]!["schemas"]!["Condition"]!["anyOf"]!.AsArray().Single(v => v!["properties"]!["type"]!["const"]!.GetValue<string>() == "in")!;

        Assert.Equal("array", inCondition["properties"]!["values"]!["type"]!.GetValue<string>());
    }

    private static void Collect(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var target))
                    {
                        references.Add(target);
                    }
                    else
                    {
                        Collect(value, references);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, references);
                }

                break;
        }
    }
}
