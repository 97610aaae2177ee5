using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Dco.Core.Decisioning;
using Dco.Functions;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Learning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Storage;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Learning;

/// <summary>
/// One DevHost running the real Dco.Functions app against the emulators, shared by the learning-loop tests
/// (each test uses its own campaign, so they do not see each other's counts).
/// </summary>
public sealed class LearningLoopHost : IAsyncLifetime
{
    public const string BrowserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private DevHostRunner? host;

    public bool Configured { get; private set; }

    public DevHostRunner Host => host ?? throw new InvalidOperationException("The host did not start.");

    public HttpClient Http { get; private set; } = null!;

    public CosmosStores Stores => Host.Services.GetRequiredService<CosmosStores>();

    public CosmosDocumentStore<DecisionPageDocument> DecisionPages => DecisionLogWriter.DecisionPageStore(Stores);

    public CosmosDocumentStore<ModelStateDocument> Models => Stores.For<ModelStateDocument>(CosmosContainers.Stats, m => m.Id, m => m.CampaignId);

    public CosmosDocumentStore<TrackingEventDocument> Events => Stores.For<TrackingEventDocument>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);

    public CosmosDocumentStore<ProfileDocument> Profiles => Stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);

    public QueueServiceClient Queues => Host.Services.GetRequiredService<QueueServiceClient>();

    /// <summary>Skips (or fails under DCO_REQUIRE_EMULATORS=1) when the emulators are not configured.</summary>
    public static void RequireEmulators()
    {
        Emulators.StorageConnectionString();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COSMOS__accountEndpoint")))
        {
            if (Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1")
            {
                throw new InvalidOperationException("DCO_REQUIRE_EMULATORS=1 but COSMOS__accountEndpoint is not set.");
            }

            Skip.If(true, "Skipped: the Cosmos emulator is not configured (run ./dco test).");
        }
    }

    public async Task InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("AzureWebJobsStorage"))
            || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COSMOS__accountEndpoint")))
        {
            return; // each test says why it skipped
        }

        host = await DevHostRunner.StartAsync(
            [.. typeof(DependencyInjection).Assembly.GetTypes()],
            new Dictionary<string, string?>
            {
                ["DURABLE:hubName"] = "learn" + Guid.NewGuid().ToString("N")[..8],
                ["TRACKING:keys"] = "t1:" + Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
                ["PRIVACY:keys"] = "p1:" + Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray()),
            },
            new InvocationLog(),
            builder => builder.AddDcoFunctions());
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd(BrowserUserAgent);
        Http.DefaultRequestHeaders.Add("x-functions-key", DevHostRunner.FunctionKey);
        await WaitForSchemaAsync();
        Configured = true;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>A small campaign: two slots of three assets, uniform random policy.</summary>
    public static CampaignDefinition Campaign(string id) => new()
    {
        Id = id,
        Slots =
        [
            new SlotDefinition { Name = "headline", Assets = [.. Enumerable.Range(0, 3).Select(i => new AssetDefinition { Id = $"h{i}", Content = $"Headline {i}" })] },
            new SlotDefinition { Name = "image", Assets = [.. Enumerable.Range(0, 3).Select(i => new AssetDefinition { Id = $"i{i}", Content = $"https://cdn.example/{i}.png" })] },
        ],
        DefaultCreative = new Dictionary<string, string> { ["headline"] = "h0", ["image"] = "i0" },
        Policy = new PolicySettings { Kind = PolicyKind.UniformRandom, ExplorationFloor = 0 },
    };

    public async Task<CampaignDefinition> SeedCampaignAsync(string id)
    {
        var definition = Campaign(id);
        await Stores.For<CampaignDocument>(CosmosContainers.Campaigns, c => c.Id, c => c.Id)
            .UpsertAsync(new CampaignDocument { Id = id, Definition = definition });
        return definition;
    }

    /// <summary>A fresh decision id, in a new page unless one is given.</summary>
    public static string NewDecisionId(string? pageId = null, int index = 0) => DecisionIds.Format(pageId ?? Guid.CreateVersion7().ToString("N"), index);

    /// <summary>The decision as stored, read from its page in Cosmos (not through any cache); null when it is not there.</summary>
    public async Task<DecisionDocument?> StoredDecisionAsync(string decisionId, string campaignId)
    {
        Assert.True(DecisionIds.TryParse(decisionId, out var pageId, out _), $"'{decisionId}' is not a decision id.");
        var page = await DecisionPages.ReadAsync(pageId, campaignId);
        return page?.Value.Decisions.SingleOrDefault(d => d.Id == decisionId);
    }

    /// <summary>
    /// Decides like <c>decide</c> would and stores the decision record, with server-side destinations,
    /// in the page its id names (added to the decisions already there).
    /// </summary>
    public async Task<(DecisionRecord Record, TrackingLinks Links)> SeedDecisionAsync(CampaignDefinition campaign, string decisionId, string userKey = "", ulong seed = 1)
    {
        Assert.True(DecisionIds.TryParse(decisionId, out var pageId, out _), $"'{decisionId}' is not a decision id.");
        var snapshot = CampaignSnapshot.Create(campaign);
        var decision = snapshot.Decide(
            new DecisionRequest { DecisionId = decisionId, ViewerKey = userKey, Consent = ConsentLevel.Full, Time = DateTimeOffset.UtcNow },
            new DecisionRandom(seed));
        var record = decision.Record;
        var document = new DecisionDocument
        {
            Id = decisionId,
            CampaignId = campaign.Id,
            UserKey = userKey,
            Record = record,
            Destinations = record.AssetIds.ToDictionary(a => a, a => $"https://shop.example/landing/{a}"),
        };
        var existing = (await DecisionPages.ReadAsync(pageId, campaign.Id))?.Value.Decisions ?? [];
        var decisions = existing.Where(d => d.Id != decisionId).Append(document).ToList();
        await DecisionPages.UpsertAsync(new DecisionPageDocument
        {
            Id = pageId,
            CampaignId = campaign.Id,
            UserKeys = [.. decisions.Select(d => d.UserKey).Where(k => k.Length > 0).Distinct()],
            Decisions = decisions,
            TimeToLive = 86_400,
        });
        return (record, Host.Services.GetRequiredService<ITrackingUrls>().LinksFor(record, Host.BaseAddress));
    }

    public async Task SendEventMessageAsync(string body) =>
        await Queues.GetQueueClient(StorageNames.EventsQueue).SendMessageAsync(body);

    public static string MessageBody(LearningEventMessage message) => JsonSerializer.Serialize(message, TrackingJsonContext.Default.LearningEventMessage);

    public async Task<CampaignCountersDocument?> CountersAsync(string campaignId) =>
        (await Models.ReadAsync(ModelStateDocument.DocumentId, campaignId))?.Value.Counters;

    /// <summary>Polls until <paramref name="done"/> holds for the campaign's counters, or the timeout passes; returns the last counters.</summary>
    public async Task<CampaignCountersDocument?> WaitForCountersAsync(string campaignId, Func<CampaignCountersDocument, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var counters = await CountersAsync(campaignId);
            if ((counters is not null && done(counters)) || DateTime.UtcNow > deadline)
            {
                return counters;
            }

            await Task.Delay(200);
        }
    }

    private async Task WaitForSchemaAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await Http.GetAsync("api/health");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return;
            }

            await Task.Delay(300);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LearningLoopCollection : ICollectionFixture<LearningLoopHost>
{
    public const string Name = "Learning loop (shared DevHost)";
}
