using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Partial update of one document, applied atomically by Cosmos DB: counters are incremented in
/// place, so concurrent writers never lose an update. At most 10 operations (a service limit).
/// </summary>
public sealed class DocumentPatch
{
    public const int MaxOperations = 10;

    private readonly List<PatchOperation> operations = [];

    public int Count => operations.Count;

    internal IReadOnlyList<PatchOperation> Operations => operations;

    /// <summary>Adds <paramref name="by"/> to the number at <paramref name="path"/>, creating it at <paramref name="by"/> when absent.</summary>
    public DocumentPatch Increment(string path, long by) => Add(PatchOperation.Increment(CheckPath(path), by));

    public DocumentPatch Increment(string path, double by) => Add(PatchOperation.Increment(CheckPath(path), by));

    /// <summary>Sets the value at <paramref name="path"/> (its parent must exist).</summary>
    public DocumentPatch Set<TValue>(string path, TValue value) => Add(PatchOperation.Set(CheckPath(path), value));

    /// <summary>Removes the value at <paramref name="path"/>; Cosmos DB fails the patch when it is absent.</summary>
    public DocumentPatch Remove(string path) => Add(PatchOperation.Remove(CheckPath(path)));

    private DocumentPatch Add(PatchOperation operation)
    {
        if (operations.Count == MaxOperations)
        {
            throw new InvalidOperationException($"A patch holds at most {MaxOperations} operations; split it or replace the document.");
        }

        operations.Add(operation);
        return this;
    }

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path[0] != '/' || path.Length < 2)
        {
            throw new ArgumentException($"Patch path '{path}' must be a JSON pointer such as /impressions or /counts/click.", nameof(path));
        }

        return path;
    }
}
