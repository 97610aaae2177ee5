using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dco.Core.Serving.OpenRtb;

// OpenRTB 2.6 object model, the subset a banner bidder reads. Property names are the spec's exactly;
// unknown fields are ignored on input (the spec requires tolerance), ext objects are kept as raw JSON.

/// <summary>OpenRTB 2.6 §3.2.1 BidRequest.</summary>
public sealed record BidRequest
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("imp")] public IReadOnlyList<Imp>? Imp { get; init; }
    [JsonPropertyName("site")] public Site? Site { get; init; }
    [JsonPropertyName("app")] public App? App { get; init; }
    [JsonPropertyName("device")] public Device? Device { get; init; }
    [JsonPropertyName("user")] public User? User { get; init; }
    [JsonPropertyName("test")] public int? Test { get; init; }
    [JsonPropertyName("at")] public int? At { get; init; }
    [JsonPropertyName("tmax")] public int? Tmax { get; init; }
    [JsonPropertyName("wseat")] public IReadOnlyList<string>? Wseat { get; init; }
    [JsonPropertyName("bseat")] public IReadOnlyList<string>? Bseat { get; init; }
    [JsonPropertyName("allimps")] public int? Allimps { get; init; }
    [JsonPropertyName("cur")] public IReadOnlyList<string>? Cur { get; init; }
    [JsonPropertyName("wlang")] public IReadOnlyList<string>? Wlang { get; init; }
    [JsonPropertyName("bcat")] public IReadOnlyList<string>? Bcat { get; init; }
    [JsonPropertyName("cattax")] public int? Cattax { get; init; }
    [JsonPropertyName("badv")] public IReadOnlyList<string>? Badv { get; init; }
    [JsonPropertyName("bapp")] public IReadOnlyList<string>? Bapp { get; init; }
    [JsonPropertyName("source")] public Source? Source { get; init; }
    [JsonPropertyName("regs")] public Regs? Regs { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.4 Imp. Only banner impressions are filled; video/audio/native are kept raw so an imp offering only them is recognised.</summary>
public sealed record Imp
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("banner")] public Banner? Banner { get; init; }
    [JsonPropertyName("video")] public JsonElement? Video { get; init; }
    [JsonPropertyName("audio")] public JsonElement? Audio { get; init; }
    [JsonPropertyName("native")] public JsonElement? Native { get; init; }
    [JsonPropertyName("pmp")] public JsonElement? Pmp { get; init; }
    [JsonPropertyName("displaymanager")] public string? Displaymanager { get; init; }
    [JsonPropertyName("displaymanagerver")] public string? Displaymanagerver { get; init; }
    [JsonPropertyName("instl")] public int? Instl { get; init; }
    [JsonPropertyName("tagid")] public string? Tagid { get; init; }
    [JsonPropertyName("bidfloor")] public double? Bidfloor { get; init; }
    [JsonPropertyName("bidfloorcur")] public string? Bidfloorcur { get; init; }
    [JsonPropertyName("clickbrowser")] public int? Clickbrowser { get; init; }
    [JsonPropertyName("secure")] public int? Secure { get; init; }
    [JsonPropertyName("exp")] public int? Exp { get; init; }
    [JsonPropertyName("rwdd")] public int? Rwdd { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }

    /// <summary>The floor with the spec's defaults (0, USD).</summary>
    [JsonIgnore] public double Floor => Bidfloor ?? 0;

    [JsonIgnore] public string FloorCurrency => Bidfloorcur ?? "USD";
}

/// <summary>§3.2.6 Banner.</summary>
public sealed record Banner
{
    [JsonPropertyName("format")] public IReadOnlyList<Format>? Format { get; init; }
    [JsonPropertyName("w")] public int? W { get; init; }
    [JsonPropertyName("h")] public int? H { get; init; }
    [JsonPropertyName("btype")] public IReadOnlyList<int>? Btype { get; init; }
    [JsonPropertyName("battr")] public IReadOnlyList<int>? Battr { get; init; }
    [JsonPropertyName("pos")] public int? Pos { get; init; }
    [JsonPropertyName("mimes")] public IReadOnlyList<string>? Mimes { get; init; }
    [JsonPropertyName("topframe")] public int? Topframe { get; init; }
    [JsonPropertyName("expdir")] public IReadOnlyList<int>? Expdir { get; init; }
    [JsonPropertyName("api")] public IReadOnlyList<int>? Api { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("vcm")] public int? Vcm { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.10 Format: an exact size (w, h) or a flexible one (wratio, hratio, wmin).</summary>
public sealed record Format
{
    [JsonPropertyName("w")] public int? W { get; init; }
    [JsonPropertyName("h")] public int? H { get; init; }
    [JsonPropertyName("wratio")] public int? Wratio { get; init; }
    [JsonPropertyName("hratio")] public int? Hratio { get; init; }
    [JsonPropertyName("wmin")] public int? Wmin { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.13 Site.</summary>
public sealed record Site
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
    [JsonPropertyName("cattax")] public int? Cattax { get; init; }
    [JsonPropertyName("cat")] public IReadOnlyList<string>? Cat { get; init; }
    [JsonPropertyName("sectioncat")] public IReadOnlyList<string>? Sectioncat { get; init; }
    [JsonPropertyName("pagecat")] public IReadOnlyList<string>? Pagecat { get; init; }
    [JsonPropertyName("page")] public string? Page { get; init; }
    [JsonPropertyName("ref")] public string? Ref { get; init; }
    [JsonPropertyName("search")] public string? Search { get; init; }
    [JsonPropertyName("mobile")] public int? Mobile { get; init; }
    [JsonPropertyName("privacypolicy")] public int? Privacypolicy { get; init; }
    [JsonPropertyName("publisher")] public Publisher? Publisher { get; init; }
    [JsonPropertyName("keywords")] public string? Keywords { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.14 App.</summary>
public sealed record App
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("bundle")] public string? Bundle { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
    [JsonPropertyName("storeurl")] public string? Storeurl { get; init; }
    [JsonPropertyName("cattax")] public int? Cattax { get; init; }
    [JsonPropertyName("cat")] public IReadOnlyList<string>? Cat { get; init; }
    [JsonPropertyName("ver")] public string? Ver { get; init; }
    [JsonPropertyName("privacypolicy")] public int? Privacypolicy { get; init; }
    [JsonPropertyName("paid")] public int? Paid { get; init; }
    [JsonPropertyName("publisher")] public Publisher? Publisher { get; init; }
    [JsonPropertyName("keywords")] public string? Keywords { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.15 Publisher.</summary>
public sealed record Publisher
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
    [JsonPropertyName("cat")] public IReadOnlyList<string>? Cat { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.18 Device.</summary>
public sealed record Device
{
    [JsonPropertyName("ua")] public string? Ua { get; init; }
    [JsonPropertyName("geo")] public Geo? Geo { get; init; }
    [JsonPropertyName("dnt")] public int? Dnt { get; init; }
    [JsonPropertyName("lmt")] public int? Lmt { get; init; }
    [JsonPropertyName("ip")] public string? Ip { get; init; }
    [JsonPropertyName("ipv6")] public string? Ipv6 { get; init; }
    [JsonPropertyName("devicetype")] public int? Devicetype { get; init; }
    [JsonPropertyName("make")] public string? Make { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("os")] public string? Os { get; init; }
    [JsonPropertyName("osv")] public string? Osv { get; init; }
    [JsonPropertyName("w")] public int? W { get; init; }
    [JsonPropertyName("h")] public int? H { get; init; }
    [JsonPropertyName("js")] public int? Js { get; init; }
    [JsonPropertyName("language")] public string? Language { get; init; }
    [JsonPropertyName("langb")] public string? Langb { get; init; }
    [JsonPropertyName("connectiontype")] public int? Connectiontype { get; init; }
    [JsonPropertyName("ifa")] public string? Ifa { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.19 Geo.</summary>
public sealed record Geo
{
    [JsonPropertyName("lat")] public double? Lat { get; init; }
    [JsonPropertyName("lon")] public double? Lon { get; init; }
    [JsonPropertyName("type")] public int? Type { get; init; }
    [JsonPropertyName("accuracy")] public int? Accuracy { get; init; }
    [JsonPropertyName("country")] public string? Country { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("metro")] public string? Metro { get; init; }
    [JsonPropertyName("city")] public string? City { get; init; }
    [JsonPropertyName("zip")] public string? Zip { get; init; }
    [JsonPropertyName("utcoffset")] public int? Utcoffset { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.20 User.</summary>
public sealed record User
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("buyeruid")] public string? Buyeruid { get; init; }
    [JsonPropertyName("keywords")] public string? Keywords { get; init; }
    [JsonPropertyName("customdata")] public string? Customdata { get; init; }
    [JsonPropertyName("geo")] public Geo? Geo { get; init; }

    /// <summary>The TCF v2 TC string when regs.gdpr = 1.</summary>
    [JsonPropertyName("consent")] public string? Consent { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.3 Regs (2.6 moved gdpr, us_privacy and consent out of ext and added gpp, gpp_sid).</summary>
public sealed record Regs
{
    [JsonPropertyName("coppa")] public int? Coppa { get; init; }
    [JsonPropertyName("gdpr")] public int? Gdpr { get; init; }
    [JsonPropertyName("us_privacy")] public string? UsPrivacy { get; init; }
    [JsonPropertyName("gpp")] public string? Gpp { get; init; }
    [JsonPropertyName("gpp_sid")] public IReadOnlyList<int>? GppSid { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§3.2.2 Source.</summary>
public sealed record Source
{
    [JsonPropertyName("fd")] public int? Fd { get; init; }
    [JsonPropertyName("tid")] public string? Tid { get; init; }
    [JsonPropertyName("pchain")] public string? Pchain { get; init; }
    [JsonPropertyName("schain")] public JsonElement? Schain { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}
