using System.Net;
using Dco.Infrastructure.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Campaigns;

/// <summary>
/// List, get, create, replace and delete of one kind of document partitioned by its own id, with
/// optimistic concurrency: every change names the ETag it was based on, is validated as a whole
/// document, and is written only if the stored ETag is still that one (412 otherwise, never a lost
/// update). A derived manager says what is particular to its kind: validation, what a write stamps,
/// what blocks a delete, and who is told of a change.
/// </summary>
public abstract class DocumentManager<T>(CosmosDocumentStore<T> store, TimeProvider time)
    where T : class
{
    /// <summary>The kind in lower case, as messages name it (<c>brand kit</c>).</summary>
    public abstract string Kind { get; }

    public abstract string IdOf(T document);

    public Task<IReadOnlyList<T>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync(new DocumentQuery("SELECT * FROM c"), cancellationToken);

    public Task<StoredDocument<T>?> GetAsync(string id, CancellationToken cancellationToken) =>
        CampaignValidator.IsValidId(id) ? store.ReadAsync(id, id, cancellationToken) : Task.FromResult<StoredDocument<T>?>(null);

    public async Task<ManagementResult<T>> CreateAsync(T document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document = WithDefaults(document);
        var errors = await ValidateAsync(document, cancellationToken);
        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        var id = IdOf(document);
        var result = await store.CreateAsync(Stamp(document, null, time.GetUtcNow()), cancellationToken);
        if (result.Status == WriteStatus.AlreadyExists)
        {
            return new(ManagementStatus.AlreadyExists, Detail: $"{char.ToUpperInvariant(Kind[0])}{Kind[1..]} '{id}' already exists; replace it with PUT and If-Match.");
        }

        OnChanged(id);
        return new(ManagementStatus.Created, result.Document!.Value, result.Document.ETag);
    }

    /// <summary>Replaces the whole document, if it still has the ETag <paramref name="ifMatch"/>.</summary>
    public Task<ManagementResult<T>> ReplaceAsync(string id, T document, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return UpdateAsync(id, ifMatch, _ => document, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored document (e.g. replaces a campaign's rules), if it
    /// still has the ETag <paramref name="ifMatch"/>; the whole result is validated before it is written.
    /// </summary>
    public async Task<ManagementResult<T>> UpdateAsync(string id, string ifMatch, Func<T, T> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(ifMatch);
        var (current, refused) = await CurrentAsync(id, ifMatch, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var changed = WithDefaults(change(current.Value));
        var renamed = string.Equals(IdOf(changed), id, StringComparison.Ordinal)
            ? null
            : $"The body's id '{IdOf(changed)}' differs from the URL's '{id}'; a {Kind} cannot be renamed.";
        if (renamed is not null && !ValidatesRenamed)
        {
            var mismatch = new FieldErrors();
            mismatch.Add("id", renamed);
            return new(ManagementStatus.Invalid, Errors: mismatch);
        }

        changed = Stamp(changed, current.Value, time.GetUtcNow());
        var errors = await ValidateAsync(changed, cancellationToken);
        if (renamed is not null)
        {
            errors.Add("id", renamed);
        }

        if (!errors.IsEmpty)
        {
            return new(ManagementStatus.Invalid, Errors: errors);
        }

        // Conditional on the ETag just compared: a writer in between makes this a 412, never a lost update.
        var result = await store.ReplaceAsync(changed, current.ETag, cancellationToken);
        switch (result.Status)
        {
            case WriteStatus.Succeeded:
                OnChanged(id);
                return new(ManagementStatus.Succeeded, result.Document!.Value, result.Document.ETag);
            case WriteStatus.NotFound:
                return new(ManagementStatus.NotFound);
            default:
                return new(ManagementStatus.PreconditionFailed);
        }
    }

    /// <summary>Deletes the document if it still has the ETag <paramref name="ifMatch"/> and nothing refuses it (<see cref="InUseAsync"/>).</summary>
    public async Task<ManagementResult<T>> DeleteAsync(string id, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        var (current, refused) = await CurrentAsync(id, ifMatch, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (await InUseAsync(id, cancellationToken) is { } inUse)
        {
            return new(ManagementStatus.InUse, Detail: inUse);
        }

        try
        {
            using var response = await store.Container.DeleteItemStreamAsync(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return new(ManagementStatus.NotFound);
                case HttpStatusCode.PreconditionFailed:
                    return new(ManagementStatus.PreconditionFailed);
                default:
                    response.EnsureSuccessStatusCode();
                    break;
            }
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return new(ManagementStatus.PreconditionFailed);
        }

        OnChanged(id);
        return new(ManagementStatus.Succeeded, current.Value, current.ETag);
    }

    /// <summary>Every document <paramref name="query"/> selects, in id order.</summary>
    protected async Task<IReadOnlyList<T>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        var documents = new List<T>();
        await foreach (var document in store.QueryAcrossPartitionsAsync(query, cancellationToken))
        {
            documents.Add(document);
        }

        return [.. documents.OrderBy(IdOf, StringComparer.Ordinal)];
    }

    /// <summary>False when validating a renamed document would only repeat the rename in other words: it is then reported alone.</summary>
    protected virtual bool ValidatesRenamed => true;

    /// <summary>Puts back the defaults source-generated JSON leaves null (<see cref="DocumentDefaults"/>).</summary>
    protected abstract T WithDefaults(T document);

    protected abstract Task<FieldErrors> ValidateAsync(T document, CancellationToken cancellationToken);

    /// <summary>What every write sets: the time of the change, and whatever follows from <paramref name="stored"/> (null on create).</summary>
    protected abstract T Stamp(T document, T? stored, DateTimeOffset now);

    /// <summary>Why the document cannot be deleted (other documents still refer to it), or null when it can.</summary>
    protected virtual Task<string?> InUseAsync(string id, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Told after every successful create, replace, update and delete.</summary>
    protected virtual void OnChanged(string id)
    {
    }

    /// <summary>The stored document if it exists and still has the ETag <paramref name="ifMatch"/>; otherwise the result that says why not.</summary>
    private async Task<(StoredDocument<T> Current, ManagementResult<T>? Refused)> CurrentAsync(string id, string ifMatch, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            return (null!, new(ManagementStatus.NotFound));
        }

        return EntityTag.Matches(ifMatch, current.ETag) ? (current, null) : (current, new(ManagementStatus.PreconditionFailed));
    }
}
