using Dco.Infrastructure.Tracking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http.Tracking;

/// <summary>
/// <c>GET /api/t/i?t=…</c> (impression pixel) and <c>GET /api/t/c?t=…</c> (click). Tokens are verified and
/// refusals counted in <see cref="TrackingRejections"/>; the pixel always answers a 1×1 GIF so pages never break.
/// </summary>
public sealed class TrackingFunctions(TrackingService tracking)
{
    /// <summary>A transparent 1×1 GIF89a.</summary>
    private static readonly byte[] Pixel =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    private static readonly string[] ClassifierHeaders = ["Purpose", "Sec-Purpose", "X-Moz", "X-Purpose"];

    [Function("TrackImpression")]
    public async Task<IActionResult> Impression(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = TrackingRoutes.Impression)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await tracking.ImpressionAsync(Hit(request), cancellationToken);
        NoStore(request.HttpContext.Response);
        return new FileContentResult(Pixel, "image/gif");
    }

    [Function("TrackClick")]
    public async Task<IActionResult> Click(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = TrackingRoutes.Click)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var result = await tracking.ClickAsync(Hit(request), cancellationToken);
        NoStore(request.HttpContext.Response);
        return result.Status switch
        {
            ClickStatus.Redirect => new RedirectResult(result.Destination!, permanent: false),
            ClickStatus.Gone => Problems.Create(StatusCodes.Status410Gone, "This link has expired.", result.Detail),
            ClickStatus.NotFound => Problems.Create(StatusCodes.Status404NotFound, "This link leads nowhere any more.", result.Detail),
            _ => Problems.Field(TrackingRoutes.TokenParameter, result.Detail),
        };
    }

    private static TrackingHit Hit(HttpRequest request)
    {
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ClassifierHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        return new TrackingHit(request.Query[TrackingRoutes.TokenParameter].ToString(), request.Headers.UserAgent.ToString(), headers);
    }

    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "0";
    }
}
