namespace Dco.Infrastructure.Campaigns;

/// <summary>How a management operation ended; the HTTP layer maps each to one status code.</summary>
public enum ManagementStatus
{
    Succeeded,
    Created,
    NotFound,

    /// <summary>The document failed validation; <see cref="ManagementResult{T}.Errors"/> says where and why.</summary>
    Invalid,

    /// <summary>Create found a document with that id.</summary>
    AlreadyExists,

    /// <summary>The If-Match ETag is not the stored one any more: read again and retry.</summary>
    PreconditionFailed,

    /// <summary>Other documents still refer to this one (a brand kit used by campaigns).</summary>
    InUse,
}

/// <summary>The outcome of a management operation: the stored document and its ETag, or why not.</summary>
public sealed record ManagementResult<T>(ManagementStatus Status, T? Value = null, string? ETag = null, FieldErrors? Errors = null, string? Detail = null)
    where T : class
{
}

/// <summary>Validation messages by field path (<c>definition.rules[2].target.tags[0]</c>), as problem details' <c>errors</c>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    public int Count => errors.Values.Sum(e => e.Count);

    public void Add(string path, string message)
    {
        if (!errors.TryGetValue(path, out var messages))
        {
            messages = [];
            errors[path] = messages;
        }

        messages.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}

/// <summary>HTTP entity tags over Cosmos DB's <c>_etag</c> (already quoted by the service; quoted here if a store does not).</summary>
public static class EntityTag
{
    public static string ToHeader(string etag)
    {
        ArgumentNullException.ThrowIfNull(etag);
        return etag.StartsWith('"') || etag.StartsWith("W/", StringComparison.Ordinal) ? etag : $"\"{etag}\"";
    }

    /// <summary>True when an If-Match value (<c>*</c>, one tag or a comma-separated list) matches the stored ETag.</summary>
    public static bool Matches(string ifMatch, string storedETag)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        ArgumentNullException.ThrowIfNull(storedETag);
        var stored = Opaque(ToHeader(storedETag));
        foreach (var candidate in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // RFC 9110: If-Match uses the strong comparison, so weak tags never match.
            if (candidate == "*" || !candidate.StartsWith("W/", StringComparison.Ordinal) && Opaque(ToHeader(candidate)) == stored)
            {
                return true;
            }
        }

        return false;
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
}
