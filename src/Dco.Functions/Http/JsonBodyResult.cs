using System.Buffers;
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
/// <remarks>
/// The body is serialized into a per-thread buffer first and handed to the server with its
/// <c>Content-Length</c>, unflushed: the server then sends headers and body together when the request
/// ends, in one write, instead of a chunked body whose terminating chunk goes out in a second send.
/// </remarks>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK) : IActionResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public T Value { get; } = value;

    public int StatusCode { get; } = statusCode;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        var body = JsonBodyBuffer.Serialize(Value, typeInfo);
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
        return Task.CompletedTask;
    }
}

/// <summary>The per-thread buffer and writer <see cref="JsonBodyResult{T}"/> serializes into; used synchronously only.</summary>
internal static class JsonBodyBuffer
{
    // Bodies larger than this are serialized into a fresh buffer that is not kept.
    private const int KeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    [ThreadStatic]
    private static JsonSerializerOptions? writerOptions;

    /// <summary>The UTF-8 JSON of <paramref name="value"/>; valid until the next call on this thread.</summary>
    public static ReadOnlySpan<byte> Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var target = buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        if (target.Capacity > KeptCapacity)
        {
            target = buffer = new ArrayBufferWriter<byte>(8 * 1024);
        }

        target.ResetWrittenCount();
        var options = typeInfo.Options;
        if (writer is null || !ReferenceEquals(writerOptions, options))
        {
            // The writer, not the serializer, escapes: it must use the options' encoder and indentation.
            writer = new Utf8JsonWriter(target, new JsonWriterOptions
            {
                Encoder = options.Encoder,
                Indented = options.WriteIndented,
                MaxDepth = options.MaxDepth,
                SkipValidation = true,
            });
            writerOptions = options;
        }
        else
        {
            writer.Reset(target);
        }

        JsonSerializer.Serialize(writer, value, typeInfo);
        writer.Flush();
        return target.WrittenSpan;
    }
}
