using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Infrastructure.Tracking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http.Tracking;

/// <summary>
/// <c>POST /api/conversions</c> (function key), server to server: <c>{"conversions":[{decisionId, conversionId,
/// value, currency, occurredAt, campaignId?}]}</c>. Answers 200 with one result per item (accepted, duplicate,
/// or rejected with field errors); a body that is not such a batch is a 400 problem.
/// </summary>
public sealed class ConversionsFunction(TrackingService tracking)
{
    [Function("Conversions")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = TrackingRoutes.Conversions)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ConversionBatchRequest? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(request.Body, ConversionsJsonContext.Default.ConversionBatchRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.MalformedJson(ex);
        }

        if (batch?.Conversions is not { Count: > 0 } conversions)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["conversions"] = ["A non-empty array of conversions is required."] }, "Post at least one conversion.");
        }

        if (conversions.Count > TrackingService.MaximumConversionsPerBatch)
        {
            return Problems.Validation(
                new Dictionary<string, string[]> { ["conversions"] = [$"At most {TrackingService.MaximumConversionsPerBatch} conversions per request; split the batch."] },
                "Too many conversions in one batch.");
        }

        var results = await tracking.ConversionsAsync(conversions, cancellationToken);
        var body = new ConversionBatchResponse(
            results.Count(r => r.Status == ConversionStatus.Accepted),
            results.Count(r => r.Status == ConversionStatus.Duplicate),
            results.Count(r => r.Status == ConversionStatus.Rejected),
            results);
        return new ContentResult
        {
            StatusCode = StatusCodes.Status200OK,
            ContentType = "application/json",
            Content = JsonSerializer.Serialize(body, ConversionsJsonContext.Default.ConversionBatchResponse),
        };
    }
}

public sealed record ConversionBatchRequest(IReadOnlyList<ConversionInput?>? Conversions);

public sealed record ConversionBatchResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<ConversionResult> Results);

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(ConversionBatchRequest))]
[JsonSerializable(typeof(ConversionBatchResponse))]
internal sealed partial class ConversionsJsonContext : JsonSerializerContext;
