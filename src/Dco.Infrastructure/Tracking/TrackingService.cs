using System.Globalization;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Tracking;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Serving.Decisions;

namespace Dco.Infrastructure.Tracking;

/// <summary>What a tracking request carried: the token and the headers that tell bots and prefetches apart.</summary>
public sealed record TrackingHit(string? Token, string? UserAgent, IReadOnlyDictionary<string, string?> Headers);

public enum ClickStatus
{
    Redirect,

    /// <summary>Not a valid token of ours (malformed, forged, tampered, unknown key, wrong kind): 400.</summary>
    Rejected,

    /// <summary>A genuine token that expired or whose key was retired: 410.</summary>
    Gone,

    /// <summary>The token is valid but the decision (or the asset's destination) is no longer stored: 404.</summary>
    NotFound,
}

public sealed record ClickResult(ClickStatus Status, string? Destination, string Detail);

/// <summary>One conversion as posted by an advertiser's server.</summary>
public sealed record ConversionInput
{
    public string? DecisionId { get; init; }

    /// <summary>Optional: the campaign of the decision, which saves a cross-partition lookup.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The advertiser's order id: the same order posted twice counts once.</summary>
    public string? ConversionId { get; init; }

    public double? Value { get; init; }

    public string? Currency { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }
}

public enum ConversionStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

public sealed record ConversionResult(int Index, ConversionStatus Status, string? EventId, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>Verifies tracking tokens, classifies traffic and records impressions, clicks and conversions.</summary>
public sealed class TrackingService(
    TrackingKeyRing keys,
    TrafficClassifier classifier,
    TrackingEventRecorder recorder,
    DecisionRecords decisions,
    TrackingRejections rejections,
    TimeProvider time)
{
    public const int MaximumConversionsPerBatch = 500;
    private const int MaximumIdLength = 200;
    private static readonly TimeSpan AllowedFutureSkew = TimeSpan.FromMinutes(5);


    /// <summary>Records an impression when the token is valid; refusals are counted. Returns null when refused.</summary>
    public async Task<RecordOutcome?> ImpressionAsync(TrackingHit hit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var verification = keys.Signer.Verify(hit.Token, TrackingEventKind.Impression);
        if (!verification.IsValid)
        {
            rejections.Count("impression", verification.Status);
            return null;
        }

        var token = verification.Token!;
        return await recorder.RecordAsync(Event(EventIds.Impression(token.DecisionId), token, FeedbackKind.Impression, null, hit), cancellationToken);
    }

    public async Task<ClickResult> ClickAsync(TrackingHit hit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var verification = keys.Signer.Verify(hit.Token, TrackingEventKind.Click);
        if (!verification.IsValid)
        {
            rejections.Count("click", verification.Status);
            return verification.Status is TrackingTokenStatus.Expired or TrackingTokenStatus.RetiredKey
                ? new ClickResult(ClickStatus.Gone, null, $"The click link has expired ({verification.Status}).")
                : new ClickResult(ClickStatus.Rejected, null, $"The click token is not valid ({verification.Status}).");
        }

        var token = verification.Token!;
        if (token.AssetId is null)
        {
            rejections.Count("click", TrackingTokenStatus.Malformed);
            return new ClickResult(ClickStatus.Rejected, null, "The click token names no asset.");
        }

        // A click cannot be retried like a queued event: it may have reached another instance than the
        // one whose decision page is still waiting to be written, so look again for a moment.
        var decision = await decisions.FindOnceWrittenAsync(token.DecisionId, token.CampaignId, cancellationToken);
        if (decision is null)
        {
            return new ClickResult(ClickStatus.NotFound, null, "The decision behind this link is no longer stored.");
        }

        if (!decision.Destinations.TryGetValue(token.AssetId, out var destination) || !IsRedirectable(destination))
        {
            return new ClickResult(ClickStatus.NotFound, null, $"Asset '{token.AssetId}' has no click destination.");
        }

        await recorder.RecordAsync(Event(EventIds.Click(token.DecisionId, token.AssetId), token, FeedbackKind.Click, token.AssetId, hit), cancellationToken);
        return new ClickResult(ClickStatus.Redirect, destination, "");
    }

    public async Task<IReadOnlyList<ConversionResult>> ConversionsAsync(IReadOnlyList<ConversionInput?> conversions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversions);
        var results = new ConversionResult[conversions.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, conversions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (index, ct) => results[index] = await ConversionAsync(index, conversions[index], ct));
        return results;
    }

    private async Task<ConversionResult> ConversionAsync(int index, ConversionInput? input, CancellationToken cancellationToken)
    {
        var errors = Validate(input);
        if (errors.Count > 0)
        {
            return new ConversionResult(index, ConversionStatus.Rejected, null, errors);
        }

        var decision = await decisions.FindAsync(input!.DecisionId!, input.CampaignId, cancellationToken);
        if (decision is null)
        {
            return Rejected(index, "decisionId", "Unknown decision: it was never served, or its record has expired.");
        }

        var eventId = EventIds.Conversion(decision.CampaignId, input.ConversionId!);
        var outcome = await recorder.RecordAsync(
            new TrackingEventDocument
            {
                Id = eventId,
                CampaignId = decision.CampaignId,
                DecisionId = decision.Id,
                Kind = FeedbackKind.Conversion,
                OccurredAt = input.OccurredAt!.Value,
                RecordedAt = time.GetUtcNow(),
                ConversionId = input.ConversionId,
                Value = input.Value!.Value,
                Currency = input.Currency!.ToUpperInvariant(),
            },
            cancellationToken);
        return new ConversionResult(index, outcome == RecordOutcome.Duplicate ? ConversionStatus.Duplicate : ConversionStatus.Accepted, eventId, null);
    }

    private Dictionary<string, string[]> Validate(ConversionInput? input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input is null)
        {
            errors[""] = ["A conversion object is required."];
            return errors;
        }

        CheckId(errors, "decisionId", input.DecisionId, required: true);
        CheckId(errors, "campaignId", input.CampaignId, required: false);
        CheckId(errors, "conversionId", input.ConversionId, required: true);
        if (input.Value is not { } value || !double.IsFinite(value) || value < 0)
        {
            errors["value"] = ["A finite, non-negative conversion value is required."];
        }

        if (input.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetter))
        {
            errors["currency"] = ["An ISO 4217 currency code of three letters is required, e.g. EUR."];
        }

        if (input.OccurredAt is not { } occurred)
        {
            errors["occurredAt"] = ["When the conversion happened is required (ISO 8601 with offset)."];
        }
        else if (occurred > time.GetUtcNow() + AllowedFutureSkew)
        {
            errors["occurredAt"] = [string.Create(CultureInfo.InvariantCulture, $"The conversion time {occurred:O} is in the future.")];
        }

        return errors;
    }

    private static void CheckId(Dictionary<string, string[]> errors, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"{field} is required."];
            }
        }
        else if (value.Length > MaximumIdLength || value.Any(char.IsControl) || value.AsSpan().IndexOfAny(CosmosFieldChars) >= 0)
        {
            errors[field] = [$"{field} must be at most {MaximumIdLength} characters without control characters or '/', '\\', '?', '#'."];
        }
    }

    private static readonly System.Buffers.SearchValues<char> CosmosFieldChars = System.Buffers.SearchValues.Create("/\\?#");

    private static ConversionResult Rejected(int index, string field, string message) =>
        new(index, ConversionStatus.Rejected, null, new Dictionary<string, string[]> { [field] = [message] });

    private TrackingEventDocument Event(string id, TrackingToken token, FeedbackKind kind, string? assetId, TrackingHit hit)
    {
        var traffic = classifier.Classify(hit.UserAgent, hit.Headers);
        var now = time.GetUtcNow();
        return new TrackingEventDocument
        {
            Id = id,
            CampaignId = token.CampaignId,
            DecisionId = token.DecisionId,
            Kind = kind,
            AssetId = assetId,
            CombinationId = token.CombinationId,
            OccurredAt = now,
            RecordedAt = now,
            Billable = traffic.IsBillable,
            NonBillableReason = traffic.Reason,
            Evidence = traffic.Evidence,
        };
    }

    private static bool IsRedirectable(string destination) =>
        Uri.TryCreate(destination, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
