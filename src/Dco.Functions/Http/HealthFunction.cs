using Dco.Infrastructure.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Dco.Functions.Http;

/// <summary><c>GET /api/health</c>: 200 when every dependency answers, 503 naming those that do not.</summary>
public sealed class HealthFunction(DependencyHealth health)
{
    [Function("Health")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        var states = await health.CheckAsync([new DurableTaskHubProbe(durable)], cancellationToken);
        var failing = states.Where(s => !s.Healthy).Select(s => s.Name).ToArray();
        var report = new HealthReport(failing.Length == 0 ? "healthy" : "unhealthy", failing, states);
        return new ObjectResult(report) { StatusCode = failing.Length == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
    }

    /// <summary>Durable is healthy when its task hub answers a one-item instance query.</summary>
    private sealed class DurableTaskHubProbe(DurableTaskClient client) : IDependencyProbe
    {
        public string Name => "durable";

        public async Task ProbeAsync(CancellationToken cancellationToken)
        {
            await using var pages = client.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1 }).AsPages().GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync();
        }
    }
}

public sealed record HealthReport(string Status, IReadOnlyList<string> Unhealthy, IReadOnlyList<DependencyState> Dependencies);
