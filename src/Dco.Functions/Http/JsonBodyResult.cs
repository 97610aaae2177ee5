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
/// <remarks>The body is serialized into a per-thread buffer first and sent whole (<see cref="JsonBodyBuffer.Send"/>).</remarks>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK) : IActionResult
{
    public const string ContentType = JsonBodyBuffer.ContentType;

    public T Value { get; } = value;

    public int StatusCode { get; } = statusCode;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonBodyBuffer.Send(context.HttpContext.Response, StatusCode, JsonBodyBuffer.Serialize(Value, typeInfo));
        return Task.CompletedTask;
    }
}

/// <summary>
/// The per-thread buffer and writer that hot endpoints' bodies are written into, then sent whole; used
/// synchronously only (<see cref="Start"/>, write, <see cref="Finish"/>, <see cref="Send"/>, with no await between).
/// </summary>
internal static class JsonBodyBuffer
{
    public const string ContentType = "application/json; charset=utf-8";

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
        var target = Start(typeInfo.Options);
        JsonSerializer.Serialize(target, value, typeInfo);
        return Finish(target);
    }

    /// <summary>This thread's writer over its emptied buffer, escaping and indenting as <paramref name="options"/> say.</summary>
    public static Utf8JsonWriter Start(JsonSerializerOptions options)
    {
        var target = buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        if (target.Capacity > KeptCapacity)
        {
            target = buffer = new ArrayBufferWriter<byte>(8 * 1024);
        }

        target.ResetWrittenCount();
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

        return writer;
    }

    /// <summary>What <paramref name="target"/> (from <see cref="Start"/>) wrote; valid until the next <see cref="Start"/> on this thread.</summary>
    public static ReadOnlySpan<byte> Finish(Utf8JsonWriter target)
    {
        target.Flush();
        return buffer!.WrittenSpan;
    }

    /// <summary>
    /// Hands <paramref name="body"/> to the server with its <c>Content-Length</c>, unflushed: the server sends
    /// headers and body together when the request ends, in one write, not a chunked body whose terminating
    /// chunk goes out in a second send.
    /// </summary>
    public static void Send(HttpResponse response, int statusCode, ReadOnlySpan<byte> body)
    {
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
    }
}
