using Dco.Core.Serving.OpenRtb;

namespace Dco.Core.Tests.Serving.OpenRtb;

public sealed class OpenRtbValidatorTests
{
    private static IReadOnlyList<OpenRtbError> Errors(BidRequest request) => OpenRtbValidator.ValidateRequest(request);

    private static void AssertOnlyError(IReadOnlyList<OpenRtbError> errors, string path)
    {
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void The_sample_request_is_valid()
    {
        Assert.Empty(Errors(OpenRtbSamples.Request()));
    }

    [Fact]
    public void A_request_without_id_is_invalid()
    {
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { Id = " " }), "id");
    }

    [Fact]
    public void A_request_without_impressions_is_invalid()
    {
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { Imp = [] }), "imp");
    }

    [Fact]
    public void Duplicate_impression_ids_are_invalid()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[1] = imps[1] with { Id = "1" };

        AssertOnlyError(Errors(request with { Imp = imps }), "imp[1].id");
    }

    [Fact]
    public void A_banner_without_size_or_format_names_both_fields()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[0] = imps[0] with { Banner = new Banner() };

        Assert.Equal(["imp[0].banner.w", "imp[0].banner.h"], Errors(request with { Imp = imps }).Select(e => e.Path));
    }

    [Fact]
    public void A_format_without_size_or_ratio_is_invalid()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[1] = imps[1] with { Banner = new Banner { Format = [new Format { W = 728 }] } };

        AssertOnlyError(Errors(request with { Imp = imps }), "imp[1].banner.format[0]");
    }

    [Fact]
    public void An_impression_offering_no_media_is_invalid()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[2] = new Imp { Id = "3" };

        AssertOnlyError(Errors(request with { Imp = imps }), "imp[2]");
    }

    [Fact]
    public void Site_and_app_together_or_neither_are_invalid()
    {
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { App = new App { Bundle = "com.x" } }), "site");
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { Site = null }), "site");
        Assert.Empty(Errors(OpenRtbSamples.Request() with { Site = null, App = new App { Bundle = "com.x" } }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(500)]
    public void Auction_types_outside_the_spec_are_invalid(int at)
    {
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { At = at }), "at");
    }

    [Fact]
    public void Exchange_specific_auction_types_above_500_are_valid()
    {
        Assert.Empty(Errors(OpenRtbSamples.Request() with { At = 501 }));
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("EURO")]
    public void Currency_codes_must_be_three_capital_letters(string code)
    {
        AssertOnlyError(Errors(OpenRtbSamples.Request() with { Cur = ["USD", code] }), "cur[1]");
    }

    [Fact]
    public void Negative_floors_and_bad_floor_currencies_are_invalid()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[0] = imps[0] with { Bidfloor = -1, Bidfloorcur = "dollars" };

        Assert.Equal(["imp[0].bidfloor", "imp[0].bidfloorcur"], Errors(request with { Imp = imps }).Select(e => e.Path));
    }

    [Fact]
    public void Enumerations_out_of_range_name_their_path()
    {
        var request = OpenRtbSamples.Request();
        var errors = Errors(request with
        {
            Device = request.Device! with { Dnt = 2, Devicetype = 9, Geo = request.Device.Geo! with { Lat = 91, Country = "US" } },
            Regs = new Regs { Coppa = 5, Gdpr = 2, GppSid = [0] },
            Test = 3,
            Tmax = 0,
        });

        Assert.Equal(
            ["tmax", "test", "device.dnt", "device.devicetype", "device.geo.lat", "device.geo.country", "regs.coppa", "regs.gdpr", "regs.gpp_sid[0]", "regs.gpp"],
            errors.Select(e => e.Path));
    }

    [Fact]
    public void Banner_attribute_enumerations_are_checked()
    {
        var request = OpenRtbSamples.Request();
        var imps = request.Imp!.ToList();
        imps[0] = imps[0] with { Banner = imps[0].Banner! with { Battr = [1, 18], Pos = 8 } };

        Assert.Equal(["imp[0].banner.pos", "imp[0].banner.battr[1]"], Errors(request with { Imp = imps }).Select(e => e.Path));
    }

    [Fact]
    public void A_valid_response_passes()
    {
        Assert.Empty(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response(), OpenRtbSamples.Request()));
    }

    [Fact]
    public void A_response_with_another_id_is_invalid()
    {
        AssertOnlyError(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response() with { Id = "other" }, OpenRtbSamples.Request()), "id");
    }

    [Fact]
    public void A_bid_for_an_unknown_impression_is_invalid()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Impid = "9" });

        AssertOnlyError(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()), "seatbid[0].bid[0].impid");
    }

    [Fact]
    public void A_bid_below_the_floor_is_invalid()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Price = 0.49 });

        var error = Assert.Single(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()));
        Assert.Equal("seatbid[0].bid[0].price", error.Path);
        Assert.Contains("below the impression's bidfloor 0.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bid_in_another_currency_than_the_floor_cannot_be_compared()
    {
        var response = OpenRtbSamples.Response() with { Cur = "EUR" };

        AssertOnlyError(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()), "seatbid[0].bid[0].price");
    }

    [Fact]
    public void A_response_currency_the_request_does_not_allow_is_invalid()
    {
        var request = OpenRtbSamples.Request() with { Cur = ["EUR"] };
        var imps = request.Imp!.Select(i => i with { Bidfloor = null, Bidfloorcur = null }).ToList();

        AssertOnlyError(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response(), request with { Imp = imps }), "cur");
    }

    [Fact]
    public void A_bid_without_crid_or_markup_is_invalid()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Crid = null, Adm = null, Nurl = null });

        Assert.Equal(["seatbid[0].bid[0].crid", "seatbid[0].bid[0].adm"],
            OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()).Select(e => e.Path));
    }

    [Fact]
    public void Notice_urls_must_be_absolute_http_urls_and_may_hold_macros()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Burl = "javascript:alert(1)" });

        AssertOnlyError(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()), "seatbid[0].bid[0].burl");
    }

    [Fact]
    public void A_bid_size_the_banner_does_not_allow_is_invalid_and_formats_and_ratios_are_honoured()
    {
        var request = OpenRtbSamples.Request();

        AssertOnlyError(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response(OpenRtbSamples.Bid() with { W = 320, H = 50 }), request), "seatbid[0].bid[0].w");
        Assert.Empty(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Impid = "2", W = 728, H = 90, Price = 1 }), request));
        Assert.Empty(OpenRtbValidator.ValidateResponse(OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Impid = "2", W = 640, H = 360, Price = 1 }), request));
    }

    [Fact]
    public void A_bid_on_a_video_only_impression_is_invalid_for_this_banner_bidder()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Impid = "3", W = null, H = null });

        AssertOnlyError(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()), "seatbid[0].bid[0].impid");
    }

    [Fact]
    public void Duplicate_bid_ids_and_non_positive_prices_are_invalid()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid(), OpenRtbSamples.Bid() with { Price = 0 });

        Assert.Equal(["seatbid[0].bid[1].id", "seatbid[0].bid[1].price"],
            OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()).Select(e => e.Path));
    }

    [Fact]
    public void An_empty_response_must_say_why_with_nbr()
    {
        var request = OpenRtbSamples.Request();

        AssertOnlyError(OpenRtbValidator.ValidateResponse(new BidResponse { Id = "req-1" }, request), "seatbid");
        Assert.Empty(OpenRtbValidator.ValidateResponse(new BidResponse { Id = "req-1", Nbr = 2 }, request));
    }

    [Fact]
    public void Adomain_holds_bare_domains()
    {
        var response = OpenRtbSamples.Response(OpenRtbSamples.Bid() with { Adomain = ["https://brand.example/"] });

        AssertOnlyError(OpenRtbValidator.ValidateResponse(response, OpenRtbSamples.Request()), "seatbid[0].bid[0].adomain[0]");
    }
}
