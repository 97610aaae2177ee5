using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http;

/// <summary>RFC 9457 problem details, with field errors a client can act on.</summary>
public static class Problems
{
    public static ObjectResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Result(new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = detail ?? "See 'errors' for each field that needs a change.",
        });

    public static ObjectResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ObjectResult Status(int status, string title, string detail) =>
        Result(new ProblemDetails { Status = status, Title = title, Detail = detail });

    private static ObjectResult Result(ProblemDetails problem)
    {
        var result = new ObjectResult(problem) { StatusCode = problem.Status };
        result.ContentTypes.Add("application/problem+json");
        return result;
    }
}

/// <summary>How the Functions host (and the DevHost) says which key authorized a request.</summary>
public static class AuthLevelClaims
{
    /// <summary>Claim type the Functions host sets on key-authorized requests.</summary>
    public const string Type = "http://schemas.microsoft.com/2017/07/functions/claims/authlevel";

    public static bool IsAdmin(HttpContext context) =>
        context?.User.HasClaim(c => c.Type == Type && string.Equals(c.Value, "Admin", StringComparison.OrdinalIgnoreCase)) == true;
}
