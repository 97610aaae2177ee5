using Dco.Core.Serving.Privacy;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Serving.Viewers;
using Dco.Infrastructure.Tracking;

namespace Dco.Infrastructure.Privacy;

/// <summary>What a privacy request changed (all zero on a repeat: both requests are idempotent).</summary>
public sealed record PrivacyResult(int ProfilesChanged, int DecisionsDeleted, int EventsDeleted);

/// <summary>
/// Opt-out (stop personalizing: <see cref="ProfileDocument.OptedOut"/>, segments cleared, recent impressions
/// forgotten) and delete (profile, recent impressions, decision records and their events) for a raw viewer
/// id, which is pseudonymized first and never stored. Both forget the viewer in their frequency bucket, which
/// is how instances still holding the viewer in memory learn to drop them (docs/decisions/0011).
/// </summary>
public sealed class ViewerPrivacyService(ViewerKeyRing keys, CosmosStores stores, DecisionRecords decisions, FrequencyBuckets frequency, IEnumerable<IViewerStateListener> listeners)
{
    /// <summary>How long an opt-out is remembered (13 months, the usual consent lifetime).</summary>
    public static readonly TimeSpan OptOutRetention = TimeSpan.FromDays(395);

    private const int MaxAttempts = 10;

    private readonly CosmosDocumentStore<ProfileDocument> profiles = stores.For<ProfileDocument>(CosmosContainers.Profiles, p => p.Id, p => p.UserKey);
    private readonly CosmosDocumentStore<TrackingEventDocument> events = stores.For<TrackingEventDocument>(CosmosContainers.Events, e => e.Id, e => e.CampaignId);

    /// <summary>Null when the id is usable, else the field error.</summary>
    public static string? Validate(string? rawViewerId) => ViewerPseudonymizer.Validate(rawViewerId);

    public async Task<PrivacyResult> OptOutAsync(string rawViewerId, CancellationToken cancellationToken)
    {
        var userKey = keys.Pseudonymizer.Pseudonymize(rawViewerId);
        Forget(userKey);
        await frequency.ForgetAsync(userKey, cancellationToken);
        var ttl = (int)OptOutRetention.TotalSeconds;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var stored = await profiles.ReadAsync(userKey, userKey, cancellationToken);
            if (stored is null)
            {
                var created = await profiles.CreateAsync(new ProfileDocument { Id = userKey, UserKey = userKey, OptedOut = true, TimeToLive = ttl }, cancellationToken);
                if (created.Succeeded)
                {
                    return new PrivacyResult(1, 0, 0);
                }

                continue;
            }

            if (stored.Value.OptedOut && stored.Value.Segments.Count == 0)
            {
                return new PrivacyResult(0, 0, 0);
            }

            var replaced = await profiles.ReplaceAsync(stored.Value with { OptedOut = true, Segments = [], TimeToLive = ttl }, stored.ETag, cancellationToken);
            if (replaced.Succeeded)
            {
                return new PrivacyResult(1, 0, 0);
            }
        }

        throw new InvalidOperationException($"The profile kept changing during {MaxAttempts} opt-out attempts; try again.");
    }

    public async Task<PrivacyResult> DeleteAsync(string rawViewerId, CancellationToken cancellationToken)
    {
        int profilesDeleted = 0, decisionsDeleted = 0, eventsDeleted = 0;
        foreach (var userKey in keys.AllUserKeys(rawViewerId))
        {
            Forget(userKey);
            var impressionsHeld = await frequency.ForgetAsync(userKey, cancellationToken);
            if (await profiles.DeleteAsync(userKey, userKey, cancellationToken) | impressionsHeld)
            {
                profilesDeleted++;
            }

            // Events first: if this is interrupted, a retry still finds the decision and its events.
            decisionsDeleted += await decisions.RemoveViewerAsync(userKey, async (decision, token) =>
            {
                var query = new DocumentQuery("SELECT * FROM c WHERE c.decisionId = @decisionId").WithParameter("@decisionId", decision.Id);
                var decisionEvents = new List<TrackingEventDocument>();
                await foreach (var trackingEvent in events.QueryAsync(decision.CampaignId, query, token))
                {
                    decisionEvents.Add(trackingEvent);
                }

                foreach (var trackingEvent in decisionEvents)
                {
                    if (await events.DeleteAsync(trackingEvent.Id, trackingEvent.CampaignId, token))
                    {
                        eventsDeleted++;
                    }
                }
            }, cancellationToken);
        }

        return new PrivacyResult(profilesDeleted, decisionsDeleted, eventsDeleted);
    }

    private void Forget(string userKey)
    {
        foreach (var listener in listeners)
        {
            listener.Forget(userKey);
        }
    }
}
