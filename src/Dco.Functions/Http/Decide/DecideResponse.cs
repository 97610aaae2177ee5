using System.Buffers;
using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Tracking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http.Decide;

/// <summary>
/// Decide's 200 body, written field by field into the per-thread response buffer
/// (docs/decisions/0012-decide-request-cost.md): no response object per request, no serializer
/// metadata walk, and the creative's HTML rendered straight into the body as a JSON string (its
/// template's literal HTML escaped once, not per response) rather than into a string of its own first.
/// </summary>
/// <remarks>
/// The body is what System.Text.Json makes of a record of these fields with <see cref="DecideFunction.JsonOptions"/>,
/// as decide sent before: the same fields in the same order, nulls left out, the same escaping (a test
/// compares the two byte for byte). Only the admin's explanation goes through the serializer.
/// </remarks>
public sealed class DecideResponse(DecideResult result, bool explain) : IActionResult
{
    private static readonly JsonEncodedText DecisionIdName = JsonEncodedText.Encode("decisionId");
    private static readonly JsonEncodedText CampaignIdName = JsonEncodedText.Encode("campaignId");
    private static readonly JsonEncodedText IsDefaultName = JsonEncodedText.Encode("isDefault");
    private static readonly JsonEncodedText DefaultReasonName = JsonEncodedText.Encode("defaultReason");
    private static readonly JsonEncodedText AssetsName = JsonEncodedText.Encode("assets");
    private static readonly JsonEncodedText SlotName = JsonEncodedText.Encode("slot");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText KindName = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText UrlName = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText WidthName = JsonEncodedText.Encode("width");
    private static readonly JsonEncodedText HeightName = JsonEncodedText.Encode("height");
    private static readonly JsonEncodedText AltName = JsonEncodedText.Encode("alt");
    private static readonly JsonEncodedText ClickUrlName = JsonEncodedText.Encode("clickUrl");
    private static readonly JsonEncodedText HtmlName = JsonEncodedText.Encode("html");
    private static readonly JsonEncodedText ImpressionUrlName = JsonEncodedText.Encode("impressionUrl");
    private static readonly JsonEncodedText PropensityName = JsonEncodedText.Encode("propensity");
    private static readonly JsonEncodedText PolicyName = JsonEncodedText.Encode("policy");
    private static readonly JsonEncodedText PolicyVersionName = JsonEncodedText.Encode("policyVersion");
    private static readonly JsonEncodedText ConsentName = JsonEncodedText.Encode("consent");
    private static readonly JsonEncodedText ExplanationName = JsonEncodedText.Encode("explanation");

    private static readonly JavaScriptEncoder Encoder = DecideFunction.JsonOptions.Encoder ?? JavaScriptEncoder.Default;

    private static readonly JsonTypeInfo ExplanationTypeInfo = DecideFunction.JsonOptions.GetTypeInfo(typeof(DecisionExplanation));

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var writer = JsonBodyBuffer.Start(DecideFunction.JsonOptions);
            Write(writer, result, explain);
            JsonBodyBuffer.Send(context.HttpContext.Response, StatusCodes.Status200OK, JsonBodyBuffer.Finish(writer));
            return Task.CompletedTask;
        }
        finally
        {
            // The body holds its own copy of the URLs now: their pooled buffer can go back.
            result.Links.Release();
        }
    }

    /// <summary>Writes the body of <paramref name="result"/> to <paramref name="writer"/>, which must escape with <see cref="DecideFunction.JsonOptions"/>' encoder.</summary>
    public static void Write(Utf8JsonWriter writer, DecideResult result, bool explain)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        var decision = result.Decision;
        writer.WriteStartObject();
        writer.WriteString(DecisionIdName, decision.DecisionId);
        writer.WriteString(CampaignIdName, result.Snapshot.CampaignId);
        writer.WriteBoolean(IsDefaultName, decision.IsDefault);
        if (decision.IsDefault)
        {
            writer.WriteString(DefaultReasonName, EnumName<DefaultReason>.Of(decision.DefaultReason));
        }

        writer.WriteStartArray(AssetsName);
        var assets = result.Assets;
        var links = result.Links;
        for (var i = 0; i < assets.Count; i++)
        {
            WriteAsset(writer, assets[i], links, i);
        }

        writer.WriteEndArray();
        WriteHtml(writer, result);

        // The signed URLs from the decision's UTF-8 bytes: no string of them is made for the response.
        writer.WriteString(ImpressionUrlName, links.ImpressionUrlUtf8);
        if (result.ClickSlot >= 0)
        {
            writer.WriteString(ClickUrlName, links.ClickUrlUtf8(result.ClickSlot));
        }
        writer.WriteNumber(PropensityName, decision.Propensity);
        writer.WriteString(PolicyName, decision.PolicyName);
        writer.WriteString(PolicyVersionName, decision.PolicyVersion);
        writer.WriteString(ConsentName, EnumName<ConsentLevel>.Of(result.Consent.Level));
        if (explain)
        {
            writer.WritePropertyName(ExplanationName);
            JsonSerializer.Serialize(writer, decision.Explain(), ExplanationTypeInfo);
        }

        writer.WriteEndObject();
    }

    private static void WriteAsset(Utf8JsonWriter writer, ServedAsset asset, TrackingLinks links, int slot)
    {
        writer.WriteStartObject();
        writer.WriteString(SlotName, asset.Slot);
        writer.WriteString(IdName, asset.Id);
        writer.WriteString(KindName, asset.Kind);
        WriteIfNotNull(writer, TextName, asset.Text);
        WriteIfNotNull(writer, UrlName, asset.Url);
        if (asset.Width is { } width)
        {
            writer.WriteNumber(WidthName, width);
        }

        if (asset.Height is { } height)
        {
            writer.WriteNumber(HeightName, height);
        }

        WriteIfNotNull(writer, AltName, asset.Alt);
        if (links.HasClickUrl(slot))
        {
            writer.WriteString(ClickUrlName, links.ClickUrlUtf8(slot));
        }

        writer.WriteEndObject();
    }

    // This thread's buffer for the creative as a JSON string; renders do not nest, and one grown past KeptHtmlCapacity is dropped.
    private const int KeptHtmlCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? htmlBuffer;

    /// <summary>
    /// The rendered creative as one JSON string, or nothing when there is none. The renderer writes it escaped
    /// already (its literal HTML escaped once per template), so the writer copies it rather than escaping
    /// every character of it per response.
    /// </summary>
    private static void WriteHtml(Utf8JsonWriter writer, DecideResult result)
    {
        var html = htmlBuffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        html.ResetWrittenCount();
        if (result.RenderHtmlJsonInto(Encoder, html))
        {
            writer.WritePropertyName(HtmlName);
            writer.WriteRawValue(html.WrittenSpan, skipInputValidation: true);
        }

        if (html.Capacity > KeptHtmlCapacity)
        {
            htmlBuffer = null;
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>An enum's names as the serializer's string converter writes them, encoded once rather than looked up and escaped per response.</summary>
    private static class EnumName<T>
        where T : struct, Enum
    {
        private static readonly FrozenDictionary<T, JsonEncodedText> Names =
            Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => JsonEncodedText.Encode(v.ToString(), DecideFunction.JsonOptions.Encoder));

        public static JsonEncodedText Of(T value) =>
            Names.TryGetValue(value, out var name) ? name : JsonEncodedText.Encode(value.ToString(), DecideFunction.JsonOptions.Encoder);
    }
}
