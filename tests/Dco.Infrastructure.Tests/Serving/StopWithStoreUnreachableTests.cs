using Dco.Infrastructure.Configuration;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Serving.Viewers;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>
/// Stopping while the store cannot be reached: the host's shutdown timeout ends the wait for the last writes,
/// and the writers say what is lost rather than fail the host's stop with the cancellation.
/// </summary>
public sealed class StopWithStoreUnreachableTests : IDisposable
{
    // A loopback port nothing listens on: every request is refused at once.
    private readonly CosmosClient client = new(
        "https://127.0.0.1:9/",
        Convert.ToBase64String(new byte[64]),
        new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true, RequestTimeout = TimeSpan.FromSeconds(5) });

    private CosmosStores Stores() => new(client, Options.Create(new CosmosOptions { DatabaseName = "unreachable" }));

    [Fact]
    public async Task The_decision_log_stops_within_the_hosts_timeout_and_logs_the_decisions_it_could_not_write()
    {
        var logger = new FakeLogger<DecisionLogWriter>();
        var writer = new DecisionLogWriter(Stores(), TimeProvider.System, Options.Create(new ServingOptions()), logger);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            var slot = await writer.ReserveAsync("camp-1", CancellationToken.None);
            writer.Commit(slot, new DecisionDocument { Id = slot.DecisionId, CampaignId = "camp-1", Record = Record(slot.DecisionId) });
        }

        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await writer.StopAsync(shutdown.Token); // its retries take seconds: the host's timeout comes first

        var lost = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("1 decision pages (3 decisions)", lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_reported_lost_when_nothing_was_left_to_write_even_if_the_host_stopped_waiting()
    {
        var writerLogger = new FakeLogger<DecisionLogWriter>();
        var cacheLogger = new FakeLogger<ViewerStateCache>();
        var options = Options.Create(new ServingOptions());
        var stores = Stores();
        var writer = new DecisionLogWriter(stores, TimeProvider.System, options, writerLogger);
        var cache = new ViewerStateCache(stores, new FrequencyBuckets(stores, TimeProvider.System, options), TimeProvider.System, options, cacheLogger);
        await writer.StartAsync(CancellationToken.None);
        await cache.StartAsync(CancellationToken.None);

        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync(); // an earlier service used up the host's timeout
        await writer.StopAsync(shutdown.Token);
        await cache.StopAsync(shutdown.Token);

        Assert.DoesNotContain(writerLogger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.DoesNotContain(cacheLogger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task The_viewer_state_stops_within_the_hosts_timeout_and_logs_the_viewers_it_could_not_write()
    {
        var logger = new FakeLogger<ViewerStateCache>();
        var options = Options.Create(new ServingOptions());
        var stores = Stores();
        var cache = new ViewerStateCache(stores, new FrequencyBuckets(stores, TimeProvider.System, options), TimeProvider.System, options, logger);
        await cache.StartAsync(CancellationToken.None);
        cache.RecordServed("k1.viewer-a", "camp-1", ["headline-a"], "headline-a");
        cache.RecordServed("k1.viewer-b", "camp-1", ["headline-b"], "headline-b");

        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await cache.StopAsync(shutdown.Token);

        var lost = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.StartsWith("The host stopped", StringComparison.Ordinal));
        Assert.Contains("impressions of 2 viewers", lost.Message, StringComparison.Ordinal);
    }

    private static Dco.Core.Decisioning.DecisionRecord Record(string id) => new()
    {
        DecisionId = id,
        CampaignId = "camp-1",
        CampaignVersion = "1",
        PolicyName = "uniform-random",
        PolicyVersion = "1.0",
        DecidedAt = DateTimeOffset.UtcNow,
        Consent = Dco.Core.Decisioning.ConsentLevel.Full,
        AssetIds = ["headline-a"],
        Propensity = 0.5,
    };

    public void Dispose() => client.Dispose();
}
