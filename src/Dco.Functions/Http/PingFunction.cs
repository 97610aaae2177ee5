using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http;

/// <summary>
/// <c>GET /api/ping</c>: liveness without touching any dependency (load balancers; and the trivial
/// endpoint the load test compares decide with, on the same host).
/// </summary>
public static class PingFunction
{
    [Function("Ping")]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ping")] HttpRequest request) =>
        new ContentResult { Content = "pong", ContentType = "text/plain", StatusCode = StatusCodes.Status200OK };
}
