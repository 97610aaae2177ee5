using System.Security.Claims;
using Dco.DevHost.Catalog;
using Dco.DevHost.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Http;

/// <summary>Maps every <c>[HttpTrigger]</c> function to a Kestrel route under the host.json route prefix.</summary>
public static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(catalog);
        foreach (var function in catalog.OfKind(TriggerKind.Http))
        {
            var trigger = (HttpTriggerAttribute)function.Trigger;
            var route = string.IsNullOrWhiteSpace(trigger.Route) ? function.Name : trigger.Route.Trim('/');
            var pattern = "/" + (string.IsNullOrEmpty(routePrefix) ? route : routePrefix.Trim('/') + "/" + route);
            var methods = trigger.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()).ToArray() : ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
            endpoints.MapMethods(pattern, methods, context => HandleAsync(context, function, trigger.AuthLevel))
                .WithName(function.Name)
                .WithDisplayName(function.Name);
        }
    }

    private static async Task HandleAsync(HttpContext httpContext, FunctionDescriptor function, AuthorizationLevel level)
    {
        var services = httpContext.RequestServices;
        var granted = services.GetRequiredService<FunctionKeyAuthorizer>().Authorize(httpContext.Request, level);
        if (granted is null)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: $"This endpoint requires a valid {(level == AuthorizationLevel.Admin ? "admin (master)" : "function")} key in the '{FunctionKeyAuthorizer.KeyHeader}' header or the 'code' query parameter.").ExecuteAsync(httpContext);
            return;
        }

        if (granted != AuthorizationLevel.Anonymous)
        {
            // As the Functions host does: the function can tell which kind of key was used.
            httpContext.User = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(FunctionKeyAuthorizer.AuthLevelClaimType, granted.Value.ToString())], "WebJobsAuthLevel"));
        }

        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in httpContext.Request.RouteValues)
        {
            bindingData[key] = value;
        }

        foreach (var (key, value) in httpContext.Request.Query)
        {
            bindingData.TryAdd(key, value.ToString());
        }

        var invoker = services.GetRequiredService<FunctionInvoker>();
        var result = await invoker.InvokeAsync(
            function,
            new InvocationRequest(httpContext.Request, bindingData, PrepareContext: ctx => ctx.Items[DevHostFunctionContext.HttpContextItemKey] = httpContext),
            httpContext.RequestAborted);
        await WriteResultAsync(httpContext, result);
    }

    // One descriptor for every result: there is no MVC action, and result executors only read it. A new one per
    // request would cost a new Guid (its Id), i.e. a read of /dev/urandom on Linux, and two dictionaries.
    private static readonly ActionDescriptor NoAction = new();

    private static async Task WriteResultAsync(HttpContext httpContext, object? result)
    {
        switch (result)
        {
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(httpContext, httpContext.GetRouteData(), NoAction));
                break;
            case IResult minimalResult:
                await minimalResult.ExecuteAsync(httpContext);
                break;
            case null:
                if (!httpContext.Response.HasStarted && httpContext.Response.StatusCode == StatusCodes.Status200OK && httpContext.Response.ContentLength is null)
                {
                    httpContext.Response.StatusCode = StatusCodes.Status204NoContent;
                }

                break;
            case string text:
                await Results.Text(text).ExecuteAsync(httpContext);
                break;
            default:
                await Results.Json(result).ExecuteAsync(httpContext);
                break;
        }
    }
}
