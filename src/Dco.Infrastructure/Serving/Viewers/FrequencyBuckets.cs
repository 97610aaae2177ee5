using System.Globalization;
using Dco.Infrastructure.Cosmos;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving.Viewers;

/// <summary>
/// Where viewers' recent impressions are stored (docs/decisions/0011-frequency-buckets.md): pseudonymous
/// viewer keys are hashed into <see cref="ServingOptions.FrequencyBuckets"/> buckets, one document each
/// (<see cref="FrequencyBucketDocument"/>), so writing what an instance served costs one read and one
/// write per bucket with news per flush interval, however many viewers it served. Every write reads,
/// changes and conditionally replaces the current document, so concurrent instances never lose each
/// other's impressions, and a viewer forgotten meanwhile (opt-out, deletion) is not written back.
/// </summary>
public sealed class FrequencyBuckets(CosmosStores stores, TimeProvider time, IOptions<ServingOptions> options)
{
    /// <summary>Impressions older than this count in no cap and are dropped.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(30);

    private const string PartitionPrefix = "frequency:";
    private const int MaxAttempts = 20;

    private readonly CosmosDocumentStore<FrequencyBucketDocument> documents =
        stores.For<FrequencyBucketDocument>(CosmosContainers.Profiles, d => d.Id, d => d.UserKey);

    /// <summary>The viewer's bucket: a stable hash (FNV-1a) of the key, so every instance agrees.</summary>
    public int BucketOf(string userKey)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        var hash = 2166136261u;
        foreach (var c in userKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)options.Value.FrequencyBuckets);
    }

    /// <summary>The bucket's id and partition key value: a viewer key (key id, dot, base64url) never has a colon.</summary>
    public static string IdOf(int bucket) => PartitionPrefix + bucket.ToString("D5", CultureInfo.InvariantCulture);

    public async Task<FrequencyBucketDocument?> ReadAsync(int bucket, CancellationToken cancellationToken) =>
        (await documents.ReadAsync(IdOf(bucket), IdOf(bucket), cancellationToken))?.Value;

    /// <summary>
    /// Applies <paramref name="change"/> to the bucket's current document (an empty one when there is none)
    /// and writes the result if nobody wrote the bucket meanwhile, else reads and applies it again.
    /// <paramref name="last"/>, the document and ETag of the caller's own last write, saves the read when
    /// nobody wrote the bucket since. <paramref name="change"/> is told whether its document was just read
    /// (rather than the caller's own); it may run several times and must not keep anything from a run that
    /// did not stick. Returns the document written and its ETag.
    /// </summary>
    public async Task<StoredDocument<FrequencyBucketDocument>> UpdateAsync(
        int bucket,
        Func<FrequencyBucketDocument, bool, FrequencyBucketDocument> change,
        StoredDocument<FrequencyBucketDocument>? last,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var id = IdOf(bucket);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var read = last is null;
            var stored = last ?? await documents.ReadAsync(id, id, cancellationToken);
            last = null;
            var changed = change(stored?.Value ?? new FrequencyBucketDocument { Id = id, UserKey = id }, read) with
            {
                Id = id,
                UserKey = id,
                TimeToLive = (int)Horizon.TotalSeconds * 3,
            };

            // Not asked back: a bucket is tens of KB, and we hold what we wrote.
            var (status, etag) = await documents.WriteWithoutContentAsync(changed, stored?.ETag, cancellationToken);
            if (status == WriteStatus.Succeeded)
            {
                return new(changed, etag ?? ""); // no ETag (never from Cosmos): the next write reads first
            }

            if (!read)
            {
                continue; // someone wrote the bucket since our own last write: read it at once
            }

            // Another instance wrote the bucket between our read and write: back off a little (wall-clock
            // time, whatever the clock of the decisions), then merge again.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), cancellationToken);
        }

        throw new InvalidOperationException($"Frequency bucket {id} kept changing during {MaxAttempts} attempts to write it.");
    }

    /// <summary>Applies <paramref name="change"/> to the bucket as stored now (see the overload).</summary>
    public async Task<FrequencyBucketDocument> UpdateAsync(int bucket, Func<FrequencyBucketDocument, FrequencyBucketDocument> change, CancellationToken cancellationToken) =>
        (await UpdateAsync(bucket, (document, _) => change(document), null, cancellationToken)).Value;

    /// <summary>
    /// Removes a viewer's impressions from their bucket and records when, so instances still holding
    /// them drop them instead of writing them back. True when the bucket held impressions of the viewer.
    /// </summary>
    public async Task<bool> ForgetAsync(string userKey, CancellationToken cancellationToken)
    {
        var held = false;
        await UpdateAsync(BucketOf(userKey), document =>
        {
            held = document.Viewers.ContainsKey(userKey);
            var now = time.GetUtcNow();
            var viewers = document.Viewers.Where(v => v.Key != userKey).ToDictionary(StringComparer.Ordinal);
            var forgotten = Pruned(document.Forgotten, now);
            forgotten[userKey] = now.ToUnixTimeSeconds();
            return document with { Viewers = viewers, Forgotten = forgotten };
        }, cancellationToken);
        return held;
    }

    /// <summary>The forgotten viewers still within the horizon (older entries can hold nothing to drop).</summary>
    public static Dictionary<string, long> Pruned(IReadOnlyDictionary<string, long> forgotten, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(forgotten);
        var oldest = (now - Horizon).ToUnixTimeSeconds();
        return forgotten.Where(f => f.Value >= oldest).ToDictionary(StringComparer.Ordinal);
    }
}
