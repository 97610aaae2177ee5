using System.Text;
using System.Text.Json;
using Dco.Core.Serving.OpenRtb;

namespace Dco.Core.Tests.Serving.OpenRtb;

public sealed class OpenRtbJsonTests
{
    [Fact]
    public void A_2_6_request_parses_with_spec_field_names_and_ignores_unknown_fields()
    {
        var request = OpenRtbSamples.Request();

        Assert.Equal("req-1", request.Id);
        Assert.Equal(3, request.Imp!.Count);
        Assert.Equal((300, 250), (request.Imp[0].Banner!.W!.Value, request.Imp[0].Banner!.H!.Value));
        Assert.Equal(0.5, request.Imp[0].Bidfloor);
        Assert.Equal(16, request.Imp[1].Banner!.Format![1].Wratio);
        Assert.NotNull(request.Imp[2].Video);
        Assert.Equal("USA", request.Device!.Geo!.Country);
        Assert.Equal(0, request.Regs!.Gdpr);
    }

    [Fact]
    public void A_response_serialises_with_exact_spec_names_and_omits_nulls()
    {
        var json = Encoding.UTF8.GetString(OpenRtbJson.Serialize(OpenRtbSamples.Response()));
        using var document = JsonDocument.Parse(json);
        var bid = document.RootElement.GetProperty("seatbid")[0].GetProperty("bid")[0];

        Assert.Equal(["id", "seatbid", "cur"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "impid", "price", "nurl", "burl", "adm", "adomain", "crid", "w", "h", "mtype"], bid.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Regs_26_fields_use_their_snake_case_names()
    {
        var json = """{"id":"r","imp":[],"regs":{"gdpr":1,"us_privacy":"1YNN","gpp":"DBABLA~CAAqAAAAAABA.QA","gpp_sid":[7]},"user":{"consent":"CO"}}""";

        Assert.True(OpenRtbJson.TryParseRequest(Encoding.UTF8.GetBytes(json), out var request, out _));
        Assert.Equal(("1YNN", 7, "CO"), (request!.Regs!.UsPrivacy, request.Regs.GppSid![0], request.User!.Consent));
    }

    [Theory]
    [InlineData("""{"id":"r","imp":[{"id":"1","banner":{"w":"wide"}}]}""", "imp[0].banner.w")]
    [InlineData("""{"id":"r","imp":{"id":"1"}}""", "imp")]
    [InlineData("""{"id":"r",""", "$")]
    [InlineData("""not json""", "$")]
    public void Malformed_json_gives_the_failing_path_instead_of_throwing(string json, string path)
    {
        Assert.False(OpenRtbJson.TryParseRequest(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal(path, error!.Path);
        Assert.DoesNotContain("Path:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_null_body_is_an_error()
    {
        Assert.False(OpenRtbJson.TryParseRequest("null"u8, out _, out var error));
        Assert.Equal("$", error!.Path);
    }

    [Fact]
    public void A_response_round_trips()
    {
        var response = OpenRtbSamples.Response();

        Assert.True(OpenRtbJson.TryParseResponse(OpenRtbJson.Serialize(response), out var parsed, out _));
        Assert.Equal(response.Seatbid![0].Bid![0].Crid, parsed!.Seatbid![0].Bid![0].Crid);
        Assert.Equal(1.25, parsed.Seatbid[0].Bid![0].Price);
    }
}
