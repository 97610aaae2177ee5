using System.Text.Json;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Privacy;
using Dco.Functions.OpenApi;
using Dco.Infrastructure.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Dco.Functions.Http.Decide;

/// <summary><c>POST /api/decide</c>: the creative for one viewer, now.</summary>
public sealed class DecideFunction(DecisionService decisions, IOptions<ServingOptions> options)
{
    private const int MaxBodyBytes = 64 * 1024;

    [Function("Decide")]
    [OpenApiOperation("The creative for one viewer, now: the chosen asset per slot, the assembled HTML and signed tracking URLs.", Tag = "Serving")]
    [OpenApiBody(typeof(DecideRequestBody))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DecideResponseBody), Description = "The decision (the campaign's default creative, with the reason, when nothing is eligible).")]
    [OpenApiResponse(StatusCodes.Status400BadRequest, Description = "Malformed JSON, or field errors (a missing campaign or placement id, invalid consent strings, a bad viewer id).")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, Description = "explain=true without the admin key.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, Description = "No active campaign has that id or placement.")]
    [OpenApiResponse(StatusCodes.Status413PayloadTooLarge, Description = "A body over 64 KB.")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "decide")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The body must be at most {MaxBodyBytes} bytes.");
        }

        DecideRequestBody? body;
        try
        {
            body = await JsonRequestBody.ReadAsync(request, DecideJsonContext.Default.DecideRequestBody, MaxBodyBytes, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.MalformedJson(ex);
        }
        catch (RequestBodyTooLargeException ex)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too large", ex.Message);
        }

        if (Validate(body) is { } errors)
        {
            return Problems.Validation(errors);
        }

        var explain = string.Equals(request.Query["explain"], "true", StringComparison.OrdinalIgnoreCase);
        if (explain && !AuthLevelClaims.IsAdmin(request.HttpContext))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Explanations need the admin key", "explain=true is answered only to requests authorized with the admin (master) key.");
        }

        var command = ToCommand(body!, request);
        var (result, failure) = await decisions.DecideAsync(command, cancellationToken);
        if (failure is not null)
        {
            return failure.Kind == DecideFailureKind.UnknownCampaign
                ? Problems.Create(StatusCodes.Status404NotFound, "Unknown campaign", failure.Message)
                : Problems.Field(failure.Field, failure.Message);
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new DecideResponse(result!, explain);
    }

    /// <summary>How decide's body is escaped, and how an explanation is serialized into it (read-only).</summary>
    public static readonly JsonSerializerOptions JsonOptions = ReadOnly(new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // The body is application/json for servers, never inlined into a page as JSON: the rendered HTML
        // and URLs need JSON escaping only, not the \u003C-style escaping of HTML-sensitive characters
        // (which roughly doubled the escaped html and cost the serializer's slow path).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(DecideJsonContext.Default, DecisioningJsonContext.Default),
    });

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    private DecideCommand ToCommand(DecideRequestBody body, HttpRequest request)
    {
        var consent = body.Consent ?? new ConsentBody();
        var gpc = request.Headers["Sec-GPC"].ToString().Trim() == "1";
        var context = body.Context ?? new ContextBody();
        var baseUrl = options.Value.BaseUrlFor(request.Scheme, request.Host.Value ?? "localhost");
        return new DecideCommand(
            body.CampaignId,
            body.PlacementId,
            body.ViewerId,
            new ConsentSignals
            {
                Explicit = consent.Personalization is null && consent.Advertising is null
                    ? null
                    : new ExplicitConsent(consent.Advertising ?? true, consent.Personalization ?? false),
                GdprApplies = consent.GdprApplies,
                TcfString = consent.Tcf,
                GppString = consent.Gpp,
                GppApplicableSections = consent.GppSid,
                UsPrivacy = consent.UsPrivacy,
                GlobalPrivacyControl = gpc,
            },
            new DecideContext(context.Device, context.Geo, context.PageUrl, context.PageCategory, context.LocalTime, context.Attributes),
            body.Segments ?? [],
            baseUrl);
    }

    /// <summary>The request's field errors; null when there are none (the common case, so nothing is allocated for it).</summary>
    private static Dictionary<string, string[]>? Validate(DecideRequestBody? body)
    {
        if (body is null)
        {
            return new(StringComparer.Ordinal) { ["body"] = ["A JSON object is required."] };
        }

        Dictionary<string, string[]>? errors = null;
        if (string.IsNullOrWhiteSpace(body.CampaignId) == string.IsNullOrWhiteSpace(body.PlacementId))
        {
            (errors ??= new(StringComparer.Ordinal))["campaignId"] = ["Give exactly one of campaignId and placementId."];
        }

        if (body.ViewerId is { } viewer && ViewerPseudonymizer.Validate(viewer) is { } viewerError)
        {
            (errors ??= new(StringComparer.Ordinal))["viewerId"] = [viewerError];
        }

        if (body.Segments is { Count: > 100 })
        {
            (errors ??= new(StringComparer.Ordinal))["segments"] = ["At most 100 segments."];
        }

        if (body.Context?.Attributes is { Count: > 50 })
        {
            (errors ??= new(StringComparer.Ordinal))["context.attributes"] = ["At most 50 attributes."];
        }

        if (body.Context?.PageUrl is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            (errors ??= new(StringComparer.Ordinal))["context.pageUrl"] = ["Must be an absolute URL."];
        }

        return errors;
    }
}
