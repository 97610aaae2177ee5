using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Dco.Functions.Http;

/// <summary>
/// Reads a hot endpoint's small JSON body whole from the request's pipe, then deserializes it in one
/// synchronous call. A serve-time body (a few hundred bytes) has usually arrived with its headers, so the
/// first read completes at once: no stream adapter, no copy into the serializer's own buffer and none of
/// its async read loop, as <see cref="JsonSerializer.DeserializeAsync{TValue}(Stream, JsonTypeInfo{TValue}, CancellationToken)"/> has.
/// Parsing is the same as <see cref="JsonSerializer.Deserialize{TValue}(ReadOnlySpan{byte}, JsonTypeInfo{TValue})"/>:
/// one JSON value and nothing after it, with the type info's options.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>The body as <typeparamref name="T"/>; null for a JSON null.</summary>
    /// <exception cref="JsonException">The body is not one JSON value of that shape (an empty body included).</exception>
    /// <exception cref="RequestBodyTooLargeException">The body is longer than <paramref name="maxBytes"/>, whatever its Content-Length said.</exception>
    public static async ValueTask<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var pipe = request.BodyReader;
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                pipe.AdvanceTo(buffer.End);
                throw new RequestBodyTooLargeException(maxBytes);
            }

            if (result.IsCompleted)
            {
                try
                {
                    return Deserialize(buffer, typeInfo);
                }
                finally
                {
                    pipe.AdvanceTo(buffer.End);
                }
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("Reading the request body was canceled.");
            }

            // Not all there yet: look again once more has arrived.
            pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static T? Deserialize<T>(ReadOnlySequence<byte> body, JsonTypeInfo<T> typeInfo)
    {
        if (body.IsSingleSegment)
        {
            return JsonSerializer.Deserialize(body.FirstSpan, typeInfo);
        }

        var length = checked((int)body.Length);
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(copy);
            return JsonSerializer.Deserialize(copy.AsSpan(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}

/// <summary>A request body longer than its endpoint accepts (answered with 413).</summary>
internal sealed class RequestBodyTooLargeException(int maxBytes) : Exception($"The body must be at most {maxBytes} bytes.")
{
    public int MaxBytes { get; } = maxBytes;
}
