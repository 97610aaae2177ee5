using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>) for HTTP functions.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>A problem with an optional <c>errors</c> map of field path → messages a client can act on.</summary>
    public static ContentResult Create(int status, string title, string? detail = null, IDictionary<string, string[]>? errors = null)
    {
        var body = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }

        if (errors is { Count: > 0 })
        {
            var map = new JsonObject();
            foreach (var (field, messages) in errors)
            {
                map[field] = new JsonArray([.. messages.Select(m => (JsonNode?)JsonValue.Create(m))]);
            }

            body["errors"] = map;
        }

        return new ContentResult { StatusCode = status, ContentType = ContentType, Content = body.ToJsonString() };
    }

    /// <summary>400 with field errors.</summary>
    public static ContentResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, "One or more fields are invalid.", detail, errors);

    /// <summary>400 for a single field.</summary>
    public static ContentResult Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, message);

    public static ContentResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found.", detail);
}
