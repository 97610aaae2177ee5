using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dco.Core.Serving.OpenRtb;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving;

/// <summary>Why an OpenRTB request got no bid (and the reason code for <c>nbr</c>).</summary>
public sealed record NoBid(string Reason, int NoBidReasonCode);

/// <summary>
/// Answers an OpenRTB 2.6 bid request: the regulation gate first (no bid when consent or law says
/// no), then one decision per banner impression whose <c>tagid</c> is one of our placements, with the
/// assembled creative as <c>adm</c>, tracking wired to our endpoints (<c>burl</c> and <c>nurl</c> fire the
/// signed impression URL; its deterministic event id counts it once) and <c>crid</c> naming the
/// combination. The response is validated against the 2.6 model before it leaves; an invalid bid is
/// dropped and logged rather than sent.
/// </summary>
public sealed partial class OpenRtbBidder(
    DecisionService decisions,
    RegulationGate gate,
    IOptions<ServingOptions> options,
    ILogger<OpenRtbBidder> logger)
{
    public const string Currency = "USD";

    public async Task<(BidResponse? Response, NoBid? NoBid)> BidAsync(BidRequest request, Uri baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var regulation = gate.Evaluate(request);
        if (!regulation.CanBid)
        {
            return (null, new NoBid($"{regulation.Reason}: {regulation.Detail}", 0));
        }

        if (request.Cur is { Count: > 0 } currencies && !currencies.Contains(Currency, StringComparer.OrdinalIgnoreCase))
        {
            return (null, new NoBid($"We bid in {Currency} only; the request allows {string.Join(", ", currencies)}.", 0));
        }

        var signals = RegulationGate.SignalsOf(request);
        var price = options.Value.OpenRtbBidCpm;
        var bids = new List<Bid>();
        foreach (var imp in request.Imp ?? [])
        {
            if (imp.Banner is null || imp.Tagid is null || (imp.Bidfloor ?? 0) > price ||
                imp.Bidfloorcur is { } floorCurrency && !string.Equals(floorCurrency, Currency, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var command = new DecideCommand(
                CampaignId: null,
                PlacementId: imp.Tagid,
                ViewerId: request.User?.Buyeruid ?? request.User?.Id,
                Consent: signals,
                Context: new DecideContext(
                    Device: DeviceType(request.Device?.Devicetype),
                    Geo: request.Device?.Geo?.Region is { } region ? $"{request.Device.Geo.Country}-{region}" : request.Device?.Geo?.Country,
                    PageUrl: request.Site?.Page,
                    PageCategory: request.Site?.Cat is { Count: > 0 } cats ? cats[0] : null),
                Segments: [],
                BaseUrl: baseUrl);
            var (result, failure) = await decisions.DecideAsync(command, cancellationToken);
            if (failure is not null || result is null || result.Decision.IsDefault || result.Html is null)
            {
                continue; // nothing of ours to fill this impression with
            }

            bids.Add(new Bid
            {
                Id = result.Decision.DecisionId,
                Impid = imp.Id,
                Price = price,
                Adm = result.Html,
                Nurl = result.ImpressionUrl,
                Burl = result.ImpressionUrl,
                Crid = CreativeId(result.Snapshot.CampaignId, result.Decision.CombinationKey),
                Cid = result.Snapshot.CampaignId,
                W = imp.Banner.W ?? (imp.Banner.Format is { Count: > 0 } wf ? wf[0].W : null),
                H = imp.Banner.H ?? (imp.Banner.Format is { Count: > 0 } hf ? hf[0].H : null),
            });
        }

        if (bids.Count == 0)
        {
            return (null, new NoBid("No banner impression matches an active placement of ours at or above its floor.", 0));
        }

        var response = new BidResponse { Id = request.Id, Cur = Currency, Seatbid = [new SeatBid { Bid = bids, Seat = options.Value.OpenRtbSeat }] };
        var errors = OpenRtbValidator.ValidateResponse(response, request);
        if (errors.Count > 0)
        {
            LogInvalidResponse(logger, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")));
            return (null, new NoBid("Our response failed OpenRTB 2.6 validation; no bid was sent.", 0));
        }

        return (response, null);
    }

    /// <summary>A stable creative id per (campaign, combination): the exchange's creative review sees one id per variant.</summary>
    public static string CreativeId(string campaignId, string combinationKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(campaignId + "\n" + combinationKey));
        return "dco-" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    private static string? DeviceType(int? devicetype) => devicetype switch
    {
        1 or 4 => "mobile",
        2 => "desktop",
        3 => "ctv",
        5 => "tablet",
        6 or 7 => "connected",
        null => null,
        _ => devicetype.Value.ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "An OpenRTB response failed validation and was not sent: {Errors}")]
    private static partial void LogInvalidResponse(ILogger logger, string errors);
}
