namespace Dco.Infrastructure.Cosmos;

/// <summary>A document as stored, with the ETag to pass to a conditional replace or patch.</summary>
public sealed record StoredDocument<T>(T Value, string ETag);

/// <summary>How a conditional or create-only write ended.</summary>
public enum WriteStatus
{
    Succeeded,

    /// <summary>Create found an item with that id in the partition (409): for idempotent events, a duplicate.</summary>
    AlreadyExists,

    /// <summary>The item changed since the ETag given was read (412): read again and retry.</summary>
    ConcurrencyConflict,

    /// <summary>The item does not exist (404).</summary>
    NotFound,
}

/// <summary>The outcome of a write whose expected failures are results, not exceptions.</summary>
public sealed record WriteResult<T>(WriteStatus Status, StoredDocument<T>? Document)
{
    public bool Succeeded => Status == WriteStatus.Succeeded;
}

/// <summary>One page of a query; <see cref="ContinuationToken"/> is null after the last page.</summary>
public sealed record DocumentPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);
