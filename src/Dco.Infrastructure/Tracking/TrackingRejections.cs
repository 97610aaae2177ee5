using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dco.Core.Serving.Tracking;

namespace Dco.Infrastructure.Tracking;

/// <summary>
/// Counts refused tracking tokens by endpoint and reason: as the <c>dco.tracking.rejected</c> metric
/// (meter <c>Dco.Tracking</c>, tags <c>endpoint</c> and <c>reason</c>) and in process, for tests and diagnostics.
/// </summary>
public sealed class TrackingRejections : IDisposable
{
    public const string MeterName = "Dco.Tracking";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> counter;
    private readonly ConcurrentDictionary<(string Endpoint, TrackingTokenStatus Reason), long> counts = new();

    public TrackingRejections()
    {
        counter = meter.CreateCounter<long>("dco.tracking.rejected", description: "Tracking tokens refused (forged, tampered, expired, malformed …), by endpoint and reason");
    }

    public void Count(string endpoint, TrackingTokenStatus reason)
    {
        counts.AddOrUpdate((endpoint, reason), 1, (_, n) => n + 1);
        counter.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    public long CountOf(string endpoint, TrackingTokenStatus reason) => counts.GetValueOrDefault((endpoint, reason));

    public void Dispose() => meter.Dispose();
}
