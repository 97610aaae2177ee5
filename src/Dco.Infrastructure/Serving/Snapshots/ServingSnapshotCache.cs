using Dco.Core.Decisioning;
using Dco.Core.Serving.Rendering;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving.Snapshots;

/// <summary>
/// Holds the <see cref="ServingState"/> that <c>decide</c> reads without any I/O. A background loop
/// rebuilds it from Cosmos every <see cref="ServingOptions.RefreshInterval"/>, and soon after a change
/// is announced (campaign edited, model updated). Unchanged campaigns keep their compiled snapshot.
/// </summary>
public sealed partial class ServingSnapshotCache(
    ICampaignCatalog catalog,
    CosmosStores stores,
    SignalReader signals,
    TimeProvider time,
    IOptions<ServingOptions> options,
    ILogger<ServingSnapshotCache> logger) : BackgroundService
{
    private static readonly TimeSpan ChangeDebounce = TimeSpan.FromMilliseconds(200);

    private readonly CosmosDocumentStore<ModelStateDocument> models = stores.For<ModelStateDocument>(CosmosContainers.Stats, m => m.Id, m => m.CampaignId);
    private readonly SemaphoreSlim changed = new(0, int.MaxValue);
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private readonly TaskCompletionSource firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ServingState current = ServingState.Empty;

    public ServingState Current => current;

    /// <summary>Completes when the first refresh has finished (successfully or not).</summary>
    public Task FirstLoad => firstLoad.Task;

    /// <summary>Announces that a campaign or its model changed: the state is rebuilt shortly.</summary>
    public void Invalidate() => changed.Release();

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            var previous = current;
            var now = time.GetUtcNow();
            var documents = await catalog.ListActiveAsync(cancellationToken);
            var built = new Dictionary<string, ServingSnapshot>(StringComparer.Ordinal);
            var placements = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var document in documents)
            {
                var snapshot = await BuildAsync(document, previous, now, cancellationToken);
                if (snapshot is null)
                {
                    continue;
                }

                built[document.Id] = snapshot;
                foreach (var placement in document.Placements)
                {
                    placements[placement] = document.Id;
                }
            }

            var live = await signals.ReadLiveAsync(cancellationToken);
            current = new ServingState(built, placements, live, now);
            LogRefreshed(logger, built.Count, live.Count);
        }
        finally
        {
            refreshing.Release();
        }
    }

    private async Task<ServingSnapshot?> BuildAsync(CampaignDocument document, ServingState previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await models.ReadAsync(ModelStateDocument.DocumentId, document.Id, cancellationToken);
        var modelVersion = state?.Value.State.Version ?? 0;
        previous.Campaigns.TryGetValue(document.Id, out var existing);
        if (existing is not null && existing.ModelVersion == modelVersion &&
            existing.Document.UpdatedAt == document.UpdatedAt &&
            existing.Document.Definition.Version == document.Definition.Version)
        {
            return existing; // nothing changed: keep the compiled snapshot
        }

        try
        {
            PolicyModel? model = null;
            if (state is not null)
            {
                var learner = CampaignLearner.Import(document.Definition, state.Value.State);
                model = learner.BuildModel(now, options.Value.Seed);
            }

            var engine = CampaignSnapshot.Create(document.Definition, model, options.Value.Seed);
            CreativeTemplate? template = null;
            if (!string.IsNullOrWhiteSpace(document.Template))
            {
                var compiled = CreativeRenderer.Compile(document.Template);
                template = compiled.Template ?? throw new CampaignDefinitionException(
                    $"template: {string.Join("; ", compiled.Errors.Select(e => e.Message))}");
            }

            return new ServingSnapshot(document, engine, template, modelVersion);
        }
        catch (CampaignDefinitionException ex)
        {
            // A campaign that no longer compiles keeps serving its last good snapshot, if any.
            LogInvalidCampaign(logger, ex, document.Id);
            return existing;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A failed refresh keeps the last good state and is retried; serving goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRefreshFailed(logger, ex);
            }
            finally
            {
                firstLoad.TrySetResult();
            }

            try
            {
                if (await changed.WaitAsync(options.Value.RefreshInterval, stoppingToken))
                {
                    await Task.Delay(ChangeDebounce, time, stoppingToken); // coalesce bursts of changes
                    while (changed.Wait(0, CancellationToken.None))
                    {
                    }
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        changed.Dispose();
        refreshing.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Serving state refreshed: {Campaigns} campaigns, {Signals} live signals")]
    private static partial void LogRefreshed(ILogger logger, int campaigns, int signals);

    [LoggerMessage(Level = LogLevel.Error, Message = "Campaign {CampaignId} does not compile; it keeps its last good snapshot")]
    private static partial void LogInvalidCampaign(ILogger logger, Exception ex, string campaignId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the serving state failed; the last good state keeps serving")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex);
}
