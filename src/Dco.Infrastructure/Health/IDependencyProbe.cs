namespace Dco.Infrastructure.Health;

/// <summary>One dependency the platform cannot serve without (blob, queue, Cosmos, Durable …).</summary>
public interface IDependencyProbe
{
    string Name { get; }

    /// <summary>Throws (any exception) when the dependency cannot be reached; the message says why.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>The state of one dependency as the health endpoint reports it.</summary>
public sealed record DependencyState(string Name, bool Healthy, long DurationMs, string? Error);
