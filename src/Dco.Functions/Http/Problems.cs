using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>), with field errors when there are some.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>A problem with an optional <c>errors</c> map of field path → messages a client can act on.</summary>
    public static ObjectResult Create(int status, string title, string? detail = null, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is { Count: > 0 } ? new ValidationProblemDetails(errors) : new ProblemDetails();
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Type = "about:blank";
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    /// <summary>400 naming each bad field (JSON path or property name) and what to do about it.</summary>
    public static ObjectResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, "One or more fields are invalid.", detail ?? "See 'errors' for each field that needs a change.", errors);

    /// <summary>400 for a single field.</summary>
    public static ObjectResult Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, message);

    public static ObjectResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found.", detail);

    /// <summary>400 for a body that is not the JSON expected, naming where it broke.</summary>
    public static ObjectResult MalformedJson(System.Text.Json.JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return Validation(
            new Dictionary<string, string[]> { [string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path] = [ex.Message] },
            "The body is not valid JSON for this endpoint.");
    }
}

/// <summary>How the Functions host (and the DevHost) says which key authorized a request.</summary>
public static class AuthLevelClaims
{
    /// <summary>Claim type the Functions host sets on key-authorized requests; the value is the key's level.</summary>
    public const string Type = "http://schemas.microsoft.com/2017/07/functions/claims/authlevel";

    public static bool IsAdmin(HttpContext context) =>
        context?.User.HasClaim(c => c.Type == Type && string.Equals(c.Value, "Admin", StringComparison.OrdinalIgnoreCase)) == true;
}
