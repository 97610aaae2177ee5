using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dco.Core.Serving.OpenRtb;

/// <summary>OpenRTB 2.6 §4.2.1 BidResponse.</summary>
public sealed record BidResponse
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("seatbid")] public IReadOnlyList<SeatBid>? Seatbid { get; init; }
    [JsonPropertyName("bidid")] public string? Bidid { get; init; }
    [JsonPropertyName("cur")] public string? Cur { get; init; }
    [JsonPropertyName("customdata")] public string? Customdata { get; init; }
    [JsonPropertyName("nbr")] public int? Nbr { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }

    /// <summary>The currency with the spec's default.</summary>
    [JsonIgnore] public string Currency => Cur ?? "USD";
}

/// <summary>§4.2.2 SeatBid.</summary>
public sealed record SeatBid
{
    [JsonPropertyName("bid")] public IReadOnlyList<Bid>? Bid { get; init; }
    [JsonPropertyName("seat")] public string? Seat { get; init; }
    [JsonPropertyName("group")] public int? Group { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}

/// <summary>§4.2.3 Bid.</summary>
public sealed record Bid
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("impid")] public string? Impid { get; init; }
    [JsonPropertyName("price")] public double? Price { get; init; }
    [JsonPropertyName("nurl")] public string? Nurl { get; init; }
    [JsonPropertyName("burl")] public string? Burl { get; init; }
    [JsonPropertyName("lurl")] public string? Lurl { get; init; }
    [JsonPropertyName("adm")] public string? Adm { get; init; }
    [JsonPropertyName("adid")] public string? Adid { get; init; }
    [JsonPropertyName("adomain")] public IReadOnlyList<string>? Adomain { get; init; }
    [JsonPropertyName("bundle")] public string? Bundle { get; init; }
    [JsonPropertyName("iurl")] public string? Iurl { get; init; }
    [JsonPropertyName("cid")] public string? Cid { get; init; }
    [JsonPropertyName("crid")] public string? Crid { get; init; }
    [JsonPropertyName("tactic")] public string? Tactic { get; init; }
    [JsonPropertyName("cattax")] public int? Cattax { get; init; }
    [JsonPropertyName("cat")] public IReadOnlyList<string>? Cat { get; init; }
    [JsonPropertyName("attr")] public IReadOnlyList<int>? Attr { get; init; }
    [JsonPropertyName("apis")] public IReadOnlyList<int>? Apis { get; init; }
    [JsonPropertyName("api")] public int? Api { get; init; }
    [JsonPropertyName("protocol")] public int? Protocol { get; init; }
    [JsonPropertyName("qagmediarating")] public int? Qagmediarating { get; init; }
    [JsonPropertyName("language")] public string? Language { get; init; }
    [JsonPropertyName("langb")] public string? Langb { get; init; }
    [JsonPropertyName("dealid")] public string? Dealid { get; init; }
    [JsonPropertyName("w")] public int? W { get; init; }
    [JsonPropertyName("h")] public int? H { get; init; }
    [JsonPropertyName("wratio")] public int? Wratio { get; init; }
    [JsonPropertyName("hratio")] public int? Hratio { get; init; }
    [JsonPropertyName("exp")] public int? Exp { get; init; }
    [JsonPropertyName("dur")] public int? Dur { get; init; }
    [JsonPropertyName("mtype")] public int? Mtype { get; init; }
    [JsonPropertyName("slotinpod")] public int? Slotinpod { get; init; }
    [JsonPropertyName("ext")] public JsonElement? Ext { get; init; }
}
