using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Dco.Core.Decisioning;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Dco.Functions.Http.Management;

/// <summary>
/// The HTTP shape shared by the management functions over any <see cref="DocumentManager{T}"/>: JSON
/// bodies, If-Match (428 without), ETag and Location headers, and one status code per outcome.
/// </summary>
internal static class ManagementHttp
{
    public static JsonSerializerOptions Json { get; } = CreateOptions();

    /// <summary><c>GET …/{id}</c>: the document with its ETag, or 404.</summary>
    public static async Task<IActionResult> GetAsync<T>(HttpRequest request, DocumentManager<T> documents, string id, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await documents.GetAsync(id, cancellationToken);
        return stored is null ? Problems.NotFound($"No {documents.Kind} '{id}'.") : Document(request, stored.Value, stored.ETag);
    }

    /// <summary><c>POST</c> to <paramref name="collectionPath"/>: 201 with the new document's Location and ETag, 400 or 409.</summary>
    public static async Task<IActionResult> CreateAsync<T>(HttpRequest request, DocumentManager<T> documents, string collectionPath, CancellationToken cancellationToken)
        where T : class
    {
        var (document, problem) = await ReadBodyAsync<T>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var id = documents.IdOf(document!);
        var result = await documents.CreateAsync(document!, cancellationToken);
        return Result(request, result, documents.Kind, id, location: $"{collectionPath}/{Uri.EscapeDataString(id)}");
    }

    /// <summary><c>PUT …/{id}</c> of the whole document; If-Match required.</summary>
    public static Task<IActionResult> ReplaceAsync<T>(HttpRequest request, DocumentManager<T> documents, string id, CancellationToken cancellationToken)
        where T : class =>
        UpdateAsync<T, T>(request, documents, id, (_, document) => document, cancellationToken);

    /// <summary><c>PUT</c> of a <typeparamref name="TBody"/> that <paramref name="apply"/> puts into the stored document; If-Match required.</summary>
    public static async Task<IActionResult> UpdateAsync<T, TBody>(HttpRequest request, DocumentManager<T> documents, string id, Func<T, TBody, T> apply, CancellationToken cancellationToken)
        where T : class
        where TBody : class
    {
        var (ifMatch, missing) = RequireIfMatch(request, documents.Kind);
        if (missing is not null)
        {
            return missing;
        }

        var (body, problem) = await ReadBodyAsync<TBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var result = await documents.UpdateAsync(id, ifMatch!, current => apply(current, body!), cancellationToken);
        return Result(request, result, documents.Kind, id);
    }

    /// <summary><c>DELETE …/{id}</c>: 204; If-Match required.</summary>
    public static async Task<IActionResult> DeleteAsync<T>(HttpRequest request, DocumentManager<T> documents, string id, CancellationToken cancellationToken)
        where T : class
    {
        var (ifMatch, missing) = RequireIfMatch(request, documents.Kind);
        return missing ?? Result(request, await documents.DeleteAsync(id, ifMatch!, cancellationToken), documents.Kind, id, noContent: true);
    }

    /// <summary><c>GET</c> of a collection: 200 with the documents as a JSON array.</summary>
    public static IActionResult List<T>(IReadOnlyList<T> values) =>
        new ContentResult { StatusCode = StatusCodes.Status200OK, ContentType = "application/json", Content = JsonSerializer.Serialize(values, Json.GetTypeInfo(typeof(IReadOnlyList<T>))) };

    /// <summary>Reads a JSON body, or returns the 400 that says what is wrong with it.</summary>
    private static async Task<(T? Value, IActionResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = (T?)await JsonSerializer.DeserializeAsync(request.Body, Json.GetTypeInfo(typeof(T)), cancellationToken);
            return value is null ? (null, Problems.Field("body", "A JSON body is required.")) : (value, null);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Problems.Field(path, "The body is not a valid document: " + e.Message));
        }
    }

    /// <summary>The If-Match header, or the 428 that asks for it.</summary>
    private static (string? IfMatch, IActionResult? Problem) RequireIfMatch(HttpRequest request, string what)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(ifMatch)
            ? (null, Problems.Create(StatusCodes.Status428PreconditionRequired, "If-Match required.", $"Send the ETag of the {what} you read in an If-Match header, so a concurrent change is not overwritten."))
            : (ifMatch, null);
    }

    private static ContentResult Document<T>(HttpRequest request, T value, string etag, int status = StatusCodes.Status200OK)
    {
        request.HttpContext.Response.Headers[HeaderNames.ETag] = EntityTag.ToHeader(etag);
        return new ContentResult { StatusCode = status, ContentType = "application/json", Content = JsonSerializer.Serialize(value, Json.GetTypeInfo(typeof(T))) };
    }

    /// <summary>Maps an operation's outcome to its status code; <paramref name="location"/> is the created resource's URL.</summary>
    private static IActionResult Result<T>(HttpRequest request, ManagementResult<T> result, string what, string id, string? location = null, bool noContent = false)
        where T : class => result.Status switch
    {
        ManagementStatus.Succeeded when noContent => new StatusCodeResult(StatusCodes.Status204NoContent),
        ManagementStatus.Succeeded => Document(request, result.Value!, result.ETag!),
        ManagementStatus.Created => Created(request, result, location!),
        ManagementStatus.NotFound => Problems.NotFound($"No {what} '{id}'."),
        ManagementStatus.Invalid => Problems.Validation(result.Errors!.ToDictionary(), $"The {what} '{id}' is invalid: {result.Errors!.Count} problem(s), see errors."),
        ManagementStatus.AlreadyExists => Problems.Create(StatusCodes.Status409Conflict, "Already exists.", result.Detail),
        ManagementStatus.InUse => Problems.Create(StatusCodes.Status409Conflict, "In use.", result.Detail),
        ManagementStatus.PreconditionFailed => Problems.Create(StatusCodes.Status412PreconditionFailed, "The ETag is stale.", $"The {what} '{id}' changed since the ETag in If-Match was read; GET it again, reapply your change and retry."),
        _ => throw new InvalidOperationException($"Unmapped management status {result.Status}."),
    };

    private static ContentResult Created<T>(HttpRequest request, ManagementResult<T> result, string location)
        where T : class
    {
        request.HttpContext.Response.Headers[HeaderNames.Location] = location;
        return Document(request, result.Value!, result.ETag!, StatusCodes.Status201Created);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

            // A null where the model says non-null is a 400 naming the field, not a null reference later.
            RespectNullableAnnotations = true,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ManagementJsonContext.Default, ServingJsonContext.Default, CampaignsJsonContext.Default),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Bodies of the management API that are not stored documents (lists and campaign parts).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<CampaignDocument>))]
[JsonSerializable(typeof(IReadOnlyList<BrandKitDocument>))]
[JsonSerializable(typeof(IReadOnlyList<SlotDefinition>))]
[JsonSerializable(typeof(IReadOnlyList<RuleDefinition>))]
[JsonSerializable(typeof(IReadOnlyList<CompatibilityConstraint>))]
[JsonSerializable(typeof(IReadOnlyList<FrequencyCapDefinition>))]
[JsonSerializable(typeof(PolicySettings))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;
