namespace Dco.Infrastructure.Storage;

/// <summary>Blob containers and queues of the platform (DESIGN.md's data section).</summary>
public static class StorageNames
{
    public const string AssetsIncoming = "assets-incoming";
    public const string AssetsApproved = "assets-approved";
    public const string AssetsQuarantine = "assets-quarantine";
    public const string EventsQueue = "events";
    public const string SignalsQueue = "signals";

    public static IReadOnlyList<string> Containers { get; } = [AssetsIncoming, AssetsApproved, AssetsQuarantine];

    /// <summary>Every queue with its <c>-poison</c> twin, where failed messages end with their cause.</summary>
    public static IReadOnlyList<string> Queues { get; } = [EventsQueue, EventsQueue + "-poison", SignalsQueue, SignalsQueue + "-poison"];
}
