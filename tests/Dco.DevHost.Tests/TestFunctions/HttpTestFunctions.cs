using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Tests.TestFunctions;

public sealed class HttpTestFunctions(InvocationLog log)
{
    [Function("Echo")]
    public IActionResult Echo([HttpTrigger(AuthorizationLevel.Function, "get", Route = "echo/{id}")] HttpRequest request, string id)
    {
        log.Record("Echo", id);
        return new OkObjectResult(new { id, query = request.Query["q"].ToString() });
    }

    [Function("Open")]
    public static IActionResult Open([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "open")] HttpRequest request) =>
        new OkObjectResult("open");

    [Function("AdminOnly")]
    public static IActionResult AdminOnly([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "admin/thing")] HttpRequest request) =>
        new NoContentResult();
}
