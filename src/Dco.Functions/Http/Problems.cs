using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>), with field errors when there are some.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult Create(int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null ? new ProblemDetails() : new ValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Type = $"https://httpstatuses.io/{status}";
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    /// <summary>400 naming each bad field (JSON path or property name) and what to do about it.</summary>
    public static ObjectResult Validation(string detail, IDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status400BadRequest, "The request is not valid.", detail, errors);

    /// <summary>400 for one bad field.</summary>
    public static ObjectResult Validation(string field, string message) =>
        Validation("See 'errors' for the field that needs a change.", new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>400 for a body that is not the JSON expected, naming where it broke.</summary>
    public static ObjectResult MalformedJson(System.Text.Json.JsonException ex) =>
        Validation("The body is not valid JSON for this endpoint.", new Dictionary<string, string[]>
        {
            [string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path] = [ex.Message],
        });
}

/// <summary>How the Functions host (and the DevHost) says which key authorized a request.</summary>
internal static class AuthLevelClaims
{
    /// <summary>Claim type the Functions host sets on key-authorized requests; the value is the key's level.</summary>
    public const string Type = "http://schemas.microsoft.com/2017/07/functions/claims/authlevel";

    public static bool IsAdmin(HttpContext context) =>
        context?.User.HasClaim(c => c.Type == Type && string.Equals(c.Value, "Admin", StringComparison.OrdinalIgnoreCase)) == true;
}
