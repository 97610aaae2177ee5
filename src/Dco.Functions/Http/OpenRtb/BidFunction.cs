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
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        OpenRtbParseResult parsed;
        try
        {
            parsed = await RequestBody.ReadAsync(request, MaxBodyBytes, 0, static (body, _) => OpenRtbParseResult.Of(body), cancellationToken);
        }
        catch (RequestBodyTooLargeException)
        {
            return TooLarge();
        }

        if (parsed.Request is not { } bidRequest)
        {
            return Problems.Field(parsed.Error!.Path, parsed.Error.Message);
        }

        var errors = OpenRtbValidator.ValidateRequest(bidRequest);
        if (errors.Count > 0)
        {
            return Problems.Validation(
                errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                "The bid request does not follow the OpenRTB 2.6 object model.");
        }

        var baseUrl = options.Value.BaseUrlFor(request.Scheme, request.Host.Value ?? "localhost");
        var (response, noBid) = await bidder.BidAsync(bidRequest, baseUrl, cancellationToken);
        if (response is null)
        {
            request.HttpContext.Response.Headers["X-Dco-NoBid-Reason"] = noBid!.Reason.Length > 200 ? noBid.Reason[..200] : noBid.Reason;
            return new NoContentResult();
        }

        return new FileContentResult(OpenRtbJson.Serialize(response), "application/json");
    }

    private static ObjectResult TooLarge() =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too large", $"A bid request must be at most {MaxBodyBytes} bytes.");

    /// <summary>A bid request, or why its bytes are not one.</summary>
    private readonly record struct OpenRtbParseResult(BidRequest? Request, OpenRtbError? Error)
    {
        public static OpenRtbParseResult Of(ReadOnlySpan<byte> body) =>
            OpenRtbJson.TryParseRequest(body, out var request, out var error) ? new(request, null) : new(null, error);
    }
}
