namespace Dco.Functions.OpenApi;

/// <summary>The JSON body an HTTP function accepts, for <c>/api/openapi.json</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenApiBodyAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    public string ContentType { get; init; } = "application/json";
}

/// <summary>One response of an HTTP function; <see cref="Type"/> is null for an empty body. Problem responses need no type.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiResponseAttribute(int statusCode, Type? type = null) : Attribute
{
    public int StatusCode { get; } = statusCode;

    public Type? Type { get; } = type;

    public string? Description { get; init; }

    public string ContentType { get; init; } = "application/json";
}

/// <summary>Summary and grouping of an HTTP function in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenApiOperationAttribute(string summary) : Attribute
{
    public string Summary { get; } = summary;

    public string? Tag { get; init; }
}
