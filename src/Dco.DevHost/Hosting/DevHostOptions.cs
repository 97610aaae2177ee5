namespace Dco.DevHost.Hosting;

/// <summary>DevHost settings, section <c>DevHost</c> (e.g. <c>DevHost__MasterKey</c>).</summary>
public sealed class DevHostOptions
{
    public const string SectionName = "DevHost";

    /// <summary>Admin (master) key: accepted for every authorization level, required for <c>Admin</c>.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Named function keys, accepted for <c>Function</c> level (like the host's default keys).</summary>
    public Dictionary<string, string> FunctionKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>How often blob-triggered containers are scanned for new or changed blobs.</summary>
    public TimeSpan BlobScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Queue visibility while a message is being processed (the host's lease); renewed by re-delivery only.</summary>
    public TimeSpan QueueProcessingLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Host id used for blob receipts (the Functions host uses its own id the same way).</summary>
    public string HostId { get; set; } = "dco-devhost";
}
