using Dco.Core.Serving.OpenRtb;
using Dco.Infrastructure.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Dco.Functions.Http.OpenRtb;

/// <summary><c>POST /api/openrtb/bid</c>: OpenRTB 2.6 in, a bid response or 204 no-bid out.</summary>
public sealed class BidFunction(OpenRtbBidder bidder, IOptions<ServingOptions> options)
{
    private const int MaxBodyBytes = 256 * 1024;

    [Function("OpenRtbBid")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "openrtb/bid")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too large", $"A bid request must be at most {MaxBodyBytes} bytes.");
        }

        if (!OpenRtbJson.TryParseRequest(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var bidRequest, out var parseError))
        {
            return Problems.Field(parseError!.Path, parseError.Message);
        }

        var errors = OpenRtbValidator.ValidateRequest(bidRequest!);
        if (errors.Count > 0)
        {
            return Problems.Validation(
                errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                "The bid request does not follow the OpenRTB 2.6 object model.");
        }

        var baseUrl = options.Value.BaseUrlFor(request.Scheme, request.Host.Value ?? "localhost");
        var (response, noBid) = await bidder.BidAsync(bidRequest!, baseUrl, cancellationToken);
        if (response is null)
        {
            request.HttpContext.Response.Headers["X-Dco-NoBid-Reason"] = noBid!.Reason.Length > 200 ? noBid.Reason[..200] : noBid.Reason;
            return new NoContentResult();
        }

        return new FileContentResult(OpenRtbJson.Serialize(response), "application/json");
    }
}
