using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Infrastructure.Tests.Serving;

/// <summary>
/// Writes a decision page in format 2, as <see cref="DecisionPageFormat.ToWire"/> did from 2026-11-29 until
/// format 3 (its last version: commit 686ca58; a property test held this copy byte-equal to it in dc5b071),
/// so that tests can keep showing that any format-2 page still reads, and can compare sizes. Only for pages
/// format 2 could say: each decision of the page and its campaign.
/// </summary>
internal static class DecisionPageFormat2
{
    public static byte[] Write(DecisionPageDocument page) =>
        JsonSerializer.SerializeToUtf8Bytes(ToWire(page), DecisionPageWireJsonContext.Default.DecisionPageWire);

    private static DecisionPageWire ToWire(DecisionPageDocument page)
    {
        var first = page.Decisions[0].Record;
        var shared = new SharedWire
        {
            CampaignVersion = first.CampaignVersion,
            PolicyName = first.PolicyName,
            PolicyVersion = first.PolicyVersion,
            Destinations = new Dictionary<string, string>(StringComparer.Ordinal),
        };
        foreach (var decision in page.Decisions)
        {
            foreach (var (asset, url) in decision.Destinations)
            {
                shared.Destinations.TryAdd(asset, url);
            }
        }

        var viewers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < page.UserKeys.Count; i++)
        {
            viewers.TryAdd(page.UserKeys[i], i);
        }

        return new DecisionPageWire
        {
            Id = page.Id,
            CampaignId = page.CampaignId,
            UserKeys = page.UserKeys,
            TimeToLive = page.TimeToLive,
            Format = 2,
            Shared = shared,
            Decisions = [.. page.Decisions.Select(decision =>
            {
                if (!DecisionIds.TryParse(decision.Id, out var pageId, out var index) || pageId != page.Id || decision.CampaignId != page.CampaignId
                    || decision.Record.DecisionId != decision.Id || decision.Record.CampaignId != page.CampaignId)
                {
                    throw new ArgumentException($"Decision {decision.Id} is not one format 2 can say in page {page.Id}.", nameof(page));
                }

                var record = decision.Record;
                var viewer = decision.UserKey.Length == 0 ? (int?)null : viewers.TryGetValue(decision.UserKey, out var at) ? at : null;
                return new DecisionWire
                {
                    Index = index,
                    Viewer = viewer,
                    ViewerKey = viewer is null && decision.UserKey.Length > 0 ? decision.UserKey : null,
                    Ticks = record.DecidedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks,
                    OffsetMinutes = record.DecidedAt.Offset == TimeSpan.Zero ? null : (short)record.DecidedAt.Offset.TotalMinutes,
                    ConsentLevel = record.Consent,
                    Assets = record.AssetIds,
                    Propensity = record.Propensity,
                    PropensityError = record.PropensityStandardError == 0 ? null : record.PropensityStandardError,
                    Features = record.Features.Count == 0 ? null : record.Features,
                    Segment = record.ModelSegment,
                    IsDefault = record.IsDefault ? true : null,
                    Reason = record.DefaultReason == DefaultReason.None ? null : record.DefaultReason,
                    CampaignVersion = record.CampaignVersion == shared.CampaignVersion ? null : record.CampaignVersion,
                    PolicyName = record.PolicyName == shared.PolicyName ? null : record.PolicyName,
                    PolicyVersion = record.PolicyVersion == shared.PolicyVersion ? null : record.PolicyVersion,
                    Destinations = OwnDestinations(decision, shared.Destinations),
                };
            })],
        };
    }

    private static Dictionary<string, string?>? OwnDestinations(DecisionDocument decision, Dictionary<string, string> shared)
    {
        Dictionary<string, string?>? own = null;
        foreach (var (asset, url) in decision.Destinations)
        {
            if (!decision.Record.AssetIds.Contains(asset) || !shared.TryGetValue(asset, out var common) || common != url)
            {
                (own ??= new(StringComparer.Ordinal))[asset] = url;
            }
        }

        foreach (var asset in decision.Record.AssetIds)
        {
            if (!decision.Destinations.ContainsKey(asset) && shared.ContainsKey(asset))
            {
                (own ??= new(StringComparer.Ordinal))[asset] = null;
            }
        }

        return own;
    }
}
