using System.Text;
using Dco.Core.Serving.OpenRtb;

namespace Dco.Core.Tests.Serving.OpenRtb;

/// <summary>Test data builders: a valid 2.6 banner request and a valid response to it.</summary>
internal static class OpenRtbSamples
{
    public const string RequestJson = """
        {
          "id": "req-1",
          "imp": [
            { "id": "1", "banner": { "w": 300, "h": 250, "pos": 1, "battr": [1, 3] }, "bidfloor": 0.5, "bidfloorcur": "USD", "secure": 1 },
            { "id": "2", "banner": { "format": [ { "w": 728, "h": 90 }, { "wratio": 16, "hratio": 9, "wmin": 320 } ] } },
            { "id": "3", "video": { "mimes": ["video/mp4"] } }
          ],
          "site": { "id": "s1", "domain": "news.example", "page": "https://news.example/a", "cat": ["IAB12"], "publisher": { "id": "p1" } },
          "device": { "ua": "Mozilla/5.0", "ip": "192.0.2.1", "devicetype": 2, "dnt": 0, "lmt": 0, "geo": { "country": "USA", "lat": 40.7, "lon": -74.0, "type": 2 } },
          "user": { "id": "u1" },
          "at": 1,
          "tmax": 120,
          "cur": ["USD", "EUR"],
          "regs": { "coppa": 0, "gdpr": 0 },
          "source": { "tid": "t1" },
          "unknown_future_field": { "nested": true }
        }
        """;

    public static BidRequest Request()
    {
        Assert.True(OpenRtbJson.TryParseRequest(Encoding.UTF8.GetBytes(RequestJson), out var request, out var error), error?.Message);
        return request!;
    }

    public static Bid Bid() => new()
    {
        Id = "b1",
        Impid = "1",
        Price = 1.25,
        Adm = "<div>ad</div>",
        Nurl = "https://dco.example/api/openrtb/win?d=dec1&p=${AUCTION_PRICE}",
        Burl = "https://dco.example/api/openrtb/bill?d=dec1&p=${AUCTION_PRICE}",
        Crid = "combo-42",
        Adomain = ["brand.example"],
        W = 300,
        H = 250,
        Mtype = 1,
    };

    public static BidResponse Response(params Bid[] bids) => new()
    {
        Id = "req-1",
        Cur = "USD",
        Seatbid = [new SeatBid { Seat = "dco", Bid = bids.Length == 0 ? [Bid()] : bids }],
    };
}
