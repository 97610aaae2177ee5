using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dco.Functions.Http;

/// <summary>
/// A JSON body written straight to the response with source-generated metadata: for hot endpoints,
/// where MVC's <see cref="JsonResult"/> (executor lookup, runtime-type metadata, a transcoding
/// stream) costs more than the serialization itself.
/// </summary>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK) : IActionResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public T Value { get; } = value;

    public int StatusCode { get; } = statusCode;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.BodyWriter, Value, typeInfo, context.HttpContext.RequestAborted);
    }
}
