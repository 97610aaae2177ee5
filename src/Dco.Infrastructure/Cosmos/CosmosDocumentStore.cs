using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Typed access to one container. Expected outcomes (missing item, duplicate create, stale ETag)
/// are results, not exceptions; anything else (throttling after the SDK's retries, auth, network)
/// propagates as <see cref="CosmosException"/> so triggers retry. Documents that should expire
/// carry a <c>ttl</c> property (seconds) in a container with TTL on.
/// </summary>
public sealed class CosmosDocumentStore<T>
    where T : class
{
    private readonly Func<T, string> idOf;
    private readonly Func<T, string> partitionKeyOf;
    private CosmosSerializer? serializer;

    public CosmosDocumentStore(Container container, Func<T, string> idOf, Func<T, string> partitionKeyOf)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(partitionKeyOf);
        Container = container;
        this.idOf = idOf;
        this.partitionKeyOf = partitionKeyOf;
    }

    /// <summary>The SDK container, for the rare operation this store does not cover.</summary>
    public Container Container { get; }

    /// <summary>Creates the item; an item with the same id in the partition gives <see cref="WriteStatus.AlreadyExists"/>.</summary>
    public async Task<WriteResult<T>> CreateAsync(T item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var payload = Serializer.ToStream(item);
        using var response = await Container.CreateItemStreamAsync(payload, PartitionKeyOf(item), cancellationToken: cancellationToken);
        return response.StatusCode == HttpStatusCode.Conflict ? new(WriteStatus.AlreadyExists, null) : Succeeded(response);
    }

    /// <summary>Creates or overwrites the item.</summary>
    public async Task<StoredDocument<T>> UpsertAsync(T item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var payload = Serializer.ToStream(item);
        using var response = await Container.UpsertItemStreamAsync(payload, PartitionKeyOf(item), cancellationToken: cancellationToken);
        return Stored(response);
    }

    /// <summary>
    /// Creates or overwrites the item without asking for it back (less work for both ends on
    /// write-heavy paths such as the decision log); returns the new ETag.
    /// </summary>
    public async Task<string> UpsertWithoutContentAsync(T item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var payload = Serializer.ToStream(item);
        using var response = await Container.UpsertItemStreamAsync(payload, PartitionKeyOf(item), WithoutContent, cancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag;
    }

    /// <summary>
    /// Creates the item (<paramref name="ifMatchETag"/> null) or replaces it if it still has that ETag,
    /// without asking for it back (for large documents the caller already holds): <see cref="WriteStatus.AlreadyExists"/>
    /// or <see cref="WriteStatus.ConcurrencyConflict"/> when someone else wrote it first, else the new ETag.
    /// </summary>
    public async Task<(WriteStatus Status, string? ETag)> WriteWithoutContentAsync(T item, string? ifMatchETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var payload = Serializer.ToStream(item);
        using var response = ifMatchETag is null
            ? await Container.CreateItemStreamAsync(payload, PartitionKeyOf(item), WithoutContent, cancellationToken)
            : await Container.ReplaceItemStreamAsync(
                payload,
                CheckKey(idOf(item), "id"),
                PartitionKeyOf(item),
                new ItemRequestOptions { IfMatchEtag = ifMatchETag, EnableContentResponseOnWrite = false },
                cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return (WriteStatus.AlreadyExists, null);
        }

        if (Expected(response.StatusCode) is { } status)
        {
            return (status, null);
        }

        response.EnsureSuccessStatusCode();
        return (WriteStatus.Succeeded, response.Headers.ETag);
    }

    /// <summary>The item, or null when it does not exist (or has expired).</summary>
    public async Task<StoredDocument<T>?> ReadAsync(string id, string partitionKey, CancellationToken cancellationToken = default)
    {
        CheckKey(id, nameof(id));
        CheckKey(partitionKey, nameof(partitionKey));
        using var response = await Container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Stored(response);
    }

    /// <summary>Replaces the item only if it still has <paramref name="ifMatchETag"/> (optimistic concurrency).</summary>
    public async Task<WriteResult<T>> ReplaceAsync(T item, string ifMatchETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrWhiteSpace(ifMatchETag);
        using var payload = Serializer.ToStream(item);
        using var response = await Container.ReplaceItemStreamAsync(
            payload,
            CheckKey(idOf(item), "id"),
            PartitionKeyOf(item),
            new ItemRequestOptions { IfMatchEtag = ifMatchETag },
            cancellationToken);
        return Expected(response.StatusCode) is { } status ? new(status, null) : Succeeded(response);
    }

    /// <summary>Deletes the item; true when it existed, false when it was already gone (idempotent).</summary>
    public async Task<bool> DeleteAsync(string id, string partitionKey, CancellationToken cancellationToken = default)
    {
        CheckKey(id, nameof(id));
        CheckKey(partitionKey, nameof(partitionKey));
        using var response = await Container.DeleteItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>Applies <paramref name="patch"/> atomically, optionally only if the item still has <paramref name="ifMatchETag"/>.</summary>
    public async Task<WriteResult<T>> PatchAsync(string id, string partitionKey, DocumentPatch patch, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        CheckKey(id, nameof(id));
        CheckKey(partitionKey, nameof(partitionKey));
        ArgumentNullException.ThrowIfNull(patch);
        if (patch.Count == 0)
        {
            throw new ArgumentException("The patch has no operations.", nameof(patch));
        }

        using var response = await Container.PatchItemStreamAsync(
            id,
            new PartitionKey(partitionKey),
            patch.Operations,
            new PatchItemRequestOptions { IfMatchEtag = ifMatchETag },
            cancellationToken);
        return Expected(response.StatusCode) is { } status ? new(status, null) : Succeeded(response);
    }

    /// <summary>One page of a query inside one partition; pass the page's token back to get the next.</summary>
    public async Task<DocumentPage<T>> QueryPageAsync(string partitionKey, DocumentQuery query, int pageSize, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        CheckKey(partitionKey, nameof(partitionKey));
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        using var iterator = Container.GetItemQueryIterator<T>(
            query.ToDefinition(),
            continuationToken,
            new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), MaxItemCount = pageSize });
        if (!iterator.HasMoreResults)
        {
            return new([], null);
        }

        var page = await iterator.ReadNextAsync(cancellationToken);
        return new([.. page], page.ContinuationToken);
    }

    /// <summary>Every result of a query inside one partition, page by page.</summary>
    public IAsyncEnumerable<T> QueryAsync(string partitionKey, DocumentQuery query, CancellationToken cancellationToken = default)
    {
        CheckKey(partitionKey, nameof(partitionKey));
        ArgumentNullException.ThrowIfNull(query);
        return ReadAll(query, new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey) }, cancellationToken);
    }

    /// <summary>Every result of a query over all partitions (fan-out: for rare work such as erasure, never the hot path).</summary>
    public IAsyncEnumerable<T> QueryAcrossPartitionsAsync(DocumentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAll(query, new QueryRequestOptions(), cancellationToken);
    }

    /// <summary>Every item, in any partition, whose <paramref name="fieldPath"/> (e.g. <c>userKey</c> or <c>viewer.key</c>) equals <paramref name="value"/>.</summary>
    public IAsyncEnumerable<T> FindAcrossPartitionsAsync(string fieldPath, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldPath);
        ArgumentNullException.ThrowIfNull(value);
        if (!CosmosFieldPath.IsValid(fieldPath))
        {
            throw new ArgumentException($"Field path '{fieldPath}' must be dot-separated identifiers such as userKey or viewer.key.", nameof(fieldPath));
        }

        var query = new DocumentQuery($"SELECT * FROM c WHERE c.{fieldPath} = @value").WithParameter("@value", value);
        return QueryAcrossPartitionsAsync(query, cancellationToken);
    }

    private async IAsyncEnumerable<T> ReadAll(DocumentQuery query, QueryRequestOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var iterator = Container.GetItemQueryIterator<T>(query.ToDefinition(), requestOptions: options);
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync(cancellationToken);
            foreach (var item in page)
            {
                yield return item;
            }
        }
    }

    private PartitionKey PartitionKeyOf(T item) => new(CheckKey(partitionKeyOf(item), "partition key"));

    private static WriteStatus? Expected(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => WriteStatus.NotFound,
        HttpStatusCode.PreconditionFailed => WriteStatus.ConcurrencyConflict,
        _ => null,
    };

    private WriteResult<T> Succeeded(ResponseMessage response) => new(WriteStatus.Succeeded, Stored(response));

    /// <summary>
    /// The document of a successful response. Any other status (throttling after the SDK's retries,
    /// auth, a bad request) is thrown as the SDK's <see cref="CosmosException"/>.
    /// </summary>
    private StoredDocument<T> Stored(ResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var value = response.Content is { } content ? Serializer.FromStream<T>(content) : null;
        return new(value ?? throw new InvalidOperationException("Cosmos DB returned no document body; EnableContentResponseOnWrite must stay on."), response.Headers.ETag);
    }

    private static readonly ItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    /// <summary>The client's serializer (the source-generated one the client was built with).</summary>
    private CosmosSerializer Serializer => serializer ??= Container.Database.Client.ClientOptions.Serializer
        ?? throw new InvalidOperationException("The Cosmos client has no serializer; build it with CosmosClientFactory.");

    private static string CheckKey(string? key, string what)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"The document's {what} is empty.", what);
        }

        // Cosmos DB rejects ids with these characters, and they break the item's URL.
        if (what == "id" && key.AsSpan().IndexOfAny(CosmosFieldPath.ForbiddenIdCharacters) >= 0)
        {
            throw new ArgumentException($"Document id '{key}' contains '/', '\\', '?' or '#', which Cosmos DB does not allow.", what);
        }

        return key;
    }
}

/// <summary>Field paths that may be written into query text: identifiers joined by dots, nothing else.</summary>
internal static partial class CosmosFieldPath
{
    public static readonly SearchValues<char> ForbiddenIdCharacters = SearchValues.Create("/\\?#");

    public static bool IsValid(string fieldPath) => Pattern().IsMatch(fieldPath);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex Pattern();
}
