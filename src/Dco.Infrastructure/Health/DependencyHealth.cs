using System.Diagnostics;

namespace Dco.Infrastructure.Health;

/// <summary>Runs every probe concurrently, each with its own timeout, and reports each one's state.</summary>
public sealed class DependencyHealth(IEnumerable<IDependencyProbe> probes)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyList<DependencyState>> CheckAsync(IEnumerable<IDependencyProbe> extra, CancellationToken cancellationToken)
    {
        var all = probes.Concat(extra).ToList();
        return await Task.WhenAll(all.Select(p => RunAsync(p, cancellationToken)));
    }

    private static async Task<DependencyState> RunAsync(IDependencyProbe probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe.ProbeAsync(timeout.Token).WaitAsync(timeout.Token);
            return new DependencyState(probe.Name, true, watch.ElapsedMilliseconds, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DependencyState(probe.Name, false, watch.ElapsedMilliseconds, $"no answer within {ProbeTimeout.TotalSeconds:0} s");
        }
#pragma warning disable CA1031 // Any failure of a dependency is a reportable state, not a crash of the health endpoint.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new DependencyState(probe.Name, false, watch.ElapsedMilliseconds, $"{ex.GetType().Name}: {FirstLine(ex.Message)}");
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
