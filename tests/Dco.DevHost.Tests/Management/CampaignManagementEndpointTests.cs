using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Seeding;
using Dco.Infrastructure.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Management;

/// <summary>The management API end to end: status codes, ETags, validation problems and concurrent writers.</summary>
public sealed class CampaignManagementEndpointTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A small valid campaign as JSON, written with the API's own serializer settings.</summary>
    private static JsonObject Campaign(string id)
    {
        var demo = DemoCampaign.Campaign(Now);
        var campaign = demo with { Id = id, BrandKitId = null, Definition = demo.Definition with { Id = id } };
        return JsonNode.Parse(JsonSerializer.Serialize(campaign, ServingJsonContext.Default.CampaignDocument))!.AsObject();
    }

    private static string NewId() => "c-" + Guid.NewGuid().ToString("N")[..12];

    [SkippableFact]
    public async Task Create_is_201_with_location_and_etag_and_a_duplicate_id_is_409()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();

        var (created, body) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));
        var (duplicate, problem) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/manage/campaigns/{id}", created.Headers.Location?.OriginalString);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(id, body!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);
        Assert.Equal(409, problem!["status"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task Get_returns_the_etag_that_a_put_needs_and_a_put_changes_it()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));

        var (read, body) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");
        body!["status"] = "paused";
        var (replaced, after) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}", body, read.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("paused", after!["status"]!.GetValue<string>());
        Assert.NotEqual(read.Headers.ETag!.Tag, replaced.Headers.ETag!.Tag);
        Assert.Equal("2", after["definition"]!["version"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Put_and_delete_without_if_match_are_428()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));

        var (put, _) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}", Campaign(id));
        var (delete, _) = await host.SendAsync(HttpMethod.Delete, $"api/manage/campaigns/{id}");

        Assert.Equal(HttpStatusCode.PreconditionRequired, put.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, delete.StatusCode);
    }

    [SkippableFact]
    public async Task Put_with_a_stale_etag_is_412_problem_details_and_changes_nothing()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        var (created, _) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));
        var stale = created.Headers.ETag!.ToString();
        var first = Campaign(id);
        first["status"] = "paused";
        await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}", first, stale);

        var second = Campaign(id);
        second["status"] = "draft";
        var (conflict, problem) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}", second, stale);
        var (_, stored) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");

        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Contains(id, problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("paused", stored!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Rules_referencing_an_unknown_tag_are_400_naming_the_rule_and_the_tag_at_its_field_path()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        var (created, _) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));
        var rules = JsonNode.Parse("""[{ "id": "snow-boost", "action": "Boost", "boostFactor": 3, "target": { "slot": "image", "tags": ["snow"] } }]""");

        var (response, problem) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}/rules", rules, created.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = problem!["errors"]!["definition.rules[0].target.tags[0]"]![0]!.GetValue<string>();
        Assert.Contains("snow-boost", message, StringComparison.Ordinal);
        Assert.Contains("'snow'", message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Minimal_campaign_without_optional_fields_is_created_with_their_defaults()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        var minimal = JsonNode.Parse($$"""
            {
              "id": "{{id}}",
              "definition": {
                "id": "{{id}}",
                "slots": [{ "name": "headline", "assets": [{ "id": "h1", "content": "Hello" }, { "id": "h2", "content": "Hi" }] }],
                "defaultCreative": { "headline": "h1" }
              }
            }
            """)!;

        var (response, body) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", minimal);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(body!["definition"]!["rules"]!.AsArray());
        Assert.Equal("active", body["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Ids_that_cannot_exist_are_404_not_500()
    {
        await using var host = await ManagementHost.StartAsync();

        var (campaign, _) = await host.SendAsync(HttpMethod.Get, "api/manage/campaigns/a%5Cb");
        var (kit, _) = await host.SendAsync(HttpMethod.Put, "api/manage/brand-kits/a%5Cb", JsonNode.Parse("""{ "id": "a\\b", "name": "x" }"""), "\"etag\"");

        Assert.Equal(HttpStatusCode.NotFound, campaign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, kit.StatusCode);
    }

    [SkippableFact]
    public async Task Campaign_naming_an_unknown_brand_kit_is_400_on_brandKitId()
    {
        await using var host = await ManagementHost.StartAsync();
        var campaign = Campaign(NewId());
        campaign["brandKitId"] = "no-such-kit";

        var (response, problem) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", campaign);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem!["errors"]!["brandKitId"]);
    }

    [SkippableFact]
    public async Task Malformed_json_is_400_naming_the_field_never_500()
    {
        await using var host = await ManagementHost.StartAsync();
        var campaign = Campaign(NewId());
        campaign["definition"]!["slots"] = "not a list";

        var (response, problem) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", campaign);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("definition.slots", problem!["errors"]!.AsObject().Select(e => e.Key).Single(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Management_endpoints_refuse_a_function_key_or_no_key()
    {
        await using var host = await ManagementHost.StartAsync();
        using var functionKey = new HttpClient { BaseAddress = host.Host.BaseAddress };
        functionKey.DefaultRequestHeaders.Add("x-functions-key", DevHostRunner.FunctionKey);

        using var anonymous = await host.Anonymous.GetAsync("api/manage/campaigns");
        using var withFunctionKey = await functionKey.GetAsync("api/manage/campaigns");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withFunctionKey.StatusCode);
    }

    [SkippableFact]
    public async Task Delete_with_the_current_etag_removes_the_campaign_and_tells_the_notifier()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        var (created, _) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));

        var (deleted, _) = await host.SendAsync(HttpMethod.Delete, $"api/manage/campaigns/{id}", ifMatch: created.Headers.ETag!.ToString());
        var (gone, _) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [SkippableFact]
    public async Task Twenty_concurrent_read_modify_write_clients_retrying_on_412_lose_no_rule()
    {
        await using var host = await ManagementHost.StartAsync();
        var id = NewId();
        await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));
        var conflicts = 0;

        async Task AddRuleAsync(int client)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var (read, campaign) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");
                var rules = campaign!["definition"]!["rules"]!.AsArray();
                rules.Add(JsonNode.Parse($$"""{ "id": "client-{{client}}", "action": "Boost", "boostFactor": 1.5, "target": { "tags": ["rain"] } }"""));
                var (written, _) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}/rules", rules.DeepClone(), read.Headers.ETag!.ToString());
                if (written.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                Assert.Equal(HttpStatusCode.PreconditionFailed, written.StatusCode);
                Interlocked.Increment(ref conflicts);
                await Task.Delay(Random.Shared.Next(5, 40));
            }

            Assert.Fail($"Client {client} never got its rule in.");
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(AddRuleAsync));
        var (_, stored) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");

        var ids = stored!["definition"]!["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(Enumerable.Range(0, 20).Select(i => $"client-{i}").ToHashSet(), ids);
        Assert.True(conflicts > 0, "The clients never collided, so the test proved nothing about stale ETags.");
    }

    [SkippableFact]
    public async Task Brand_kit_crud_with_etags_and_a_kit_in_use_cannot_be_deleted()
    {
        await using var host = await ManagementHost.StartAsync();
        var kitId = "kit-" + Guid.NewGuid().ToString("N")[..8];
        var kit = JsonNode.Parse($$"""{ "id": "{{kitId}}", "name": "Test kit", "palette": ["#112233"], "bannedWords": ["free"], "sizeLimits": { "maxTextLength": 120 } }""")!;

        var (created, _) = await host.SendAsync(HttpMethod.Post, "api/manage/brand-kits", kit);
        var campaign = Campaign(NewId());
        campaign["brandKitId"] = kitId;
        var (campaignCreated, _) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", campaign);
        var (inUse, _) = await host.SendAsync(HttpMethod.Delete, $"api/manage/brand-kits/{kitId}", ifMatch: created.Headers.ETag!.ToString());
        kit["toneNotes"] = "Calm.";
        var (replaced, body) = await host.SendAsync(HttpMethod.Put, $"api/manage/brand-kits/{kitId}", kit, created.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, campaignCreated.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("Calm.", body!["toneNotes"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Every_successful_change_is_announced_to_the_change_notifier_and_a_refused_one_is_not()
    {
        var notifier = new RecordingNotifier();
        await using var host = await ManagementHost.StartAsync(services => services.AddSingleton<ICampaignChangeNotifier>(notifier));
        var id = NewId();

        var (created, _) = await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(id));
        var (_, current) = await host.SendAsync(HttpMethod.Get, $"api/manage/campaigns/{id}");
        var (updated, _) = await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}/policy", current!["definition"]!["policy"]!.DeepClone(), created.Headers.ETag!.ToString());
        await host.SendAsync(HttpMethod.Put, $"api/manage/campaigns/{id}/policy", current["definition"]!["policy"]!.DeepClone(), created.Headers.ETag!.ToString()); // stale: 412
        await host.SendAsync(HttpMethod.Delete, $"api/manage/campaigns/{id}", ifMatch: updated.Headers.ETag!.ToString());

        Assert.Equal([id, id, id], notifier.Changes);
    }

    [SkippableFact]
    public async Task Catalog_lists_active_campaigns_and_reads_one_by_id()
    {
        await using var host = await ManagementHost.StartAsync();
        var catalog = host.Host.Services.GetRequiredService<ICampaignCatalog>();
        var active = NewId();
        var paused = Campaign(NewId());
        paused["status"] = "paused";
        await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", Campaign(active));
        await host.SendAsync(HttpMethod.Post, "api/manage/campaigns", paused);

        var listed = (await catalog.ListActiveAsync(CancellationToken.None)).Select(c => c.Id).ToList();

        Assert.Equal([active], listed);
        Assert.Equal("paused", (await catalog.GetAsync(paused["id"]!.GetValue<string>(), CancellationToken.None))?.Status);
        Assert.Null(await catalog.GetAsync("missing", CancellationToken.None));
    }

    private sealed class RecordingNotifier : ICampaignChangeNotifier
    {
        private readonly List<string> changes = [];

        public IReadOnlyList<string> Changes
        {
            get
            {
                lock (changes)
                {
                    return [.. changes];
                }
            }
        }

        public void CampaignChanged(string campaignId)
        {
            lock (changes)
            {
                changes.Add(campaignId);
            }
        }
    }

    [SkippableFact]
    public async Task Openapi_document_is_served_anonymously_and_lists_the_management_endpoints()
    {
        await using var host = await ManagementHost.StartAsync();

        using var response = await host.Anonymous.GetAsync("api/openapi.json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(document["paths"]!["/api/manage/campaigns/{id}"]!["put"]);
        Assert.NotNull(document["paths"]!["/api/health"]!["get"]);
    }
}
