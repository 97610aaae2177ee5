using System.Text.Json;
using System.Text.Json.Serialization;
using Dco.Infrastructure.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http.Privacy;

/// <summary>
/// <c>POST /api/privacy/opt-out</c> and <c>POST /api/privacy/delete</c> (function key), body <c>{"viewerId": "…"}</c>.
/// Both idempotent: a repeat answers 200 with nothing changed.
/// </summary>
public sealed class PrivacyFunctions(ViewerPrivacyService privacy)
{
    [Function("PrivacyOptOut")]
    public async Task<IActionResult> OptOut(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "privacy/opt-out")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (viewerId, problem) = await ReadAsync(request, cancellationToken);
        return problem ?? Ok(await privacy.OptOutAsync(viewerId!, cancellationToken));
    }

    [Function("PrivacyDelete")]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "privacy/delete")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (viewerId, problem) = await ReadAsync(request, cancellationToken);
        return problem ?? Ok(await privacy.DeleteAsync(viewerId!, cancellationToken));
    }

    private static async Task<(string? ViewerId, IActionResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        PrivacyRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, PrivacyJsonContext.Default.PrivacyRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, Problems.MalformedJson(ex));
        }

        var error = ViewerPrivacyService.Validate(body?.ViewerId);
        return error is null
            ? (body!.ViewerId, null)
            : (null, Problems.Validation(new Dictionary<string, string[]> { ["viewerId"] = [error] }, "The viewer id is missing or not usable."));
    }

    private static ContentResult Ok(PrivacyResult result) => new()
    {
        StatusCode = StatusCodes.Status200OK,
        ContentType = "application/json",
        Content = JsonSerializer.Serialize(result, PrivacyJsonContext.Default.PrivacyResult),
    };
}

public sealed record PrivacyRequest(string? ViewerId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PrivacyRequest))]
[JsonSerializable(typeof(PrivacyResult))]
internal sealed partial class PrivacyJsonContext : JsonSerializerContext;
