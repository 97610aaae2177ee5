using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Dco.Functions.Http;

/// <summary>
/// Reads a hot endpoint's body whole from the request's pipe, bounded, then parses it in one synchronous
/// call over its bytes. A serve-time body (a few hundred bytes) has usually arrived with its headers, so the
/// first read completes at once: no stream adapter and no copy into a growing buffer; a multi-segment body is
/// copied once into a pooled array. The bound is checked as the body arrives, whatever its Content-Length said,
/// so an endless body is refused at the bound instead of being buffered.
/// </summary>
internal static class RequestBody
{
    /// <summary>Parses a whole request body; the span is valid only during the call.</summary>
    public delegate TResult Parser<TState, TResult>(ReadOnlySpan<byte> body, TState state);

    /// <summary>The whole body, parsed by <paramref name="parse"/>.</summary>
    /// <exception cref="RequestBodyTooLargeException">The body is longer than <paramref name="maxBytes"/>.</exception>
    public static async ValueTask<TResult> ReadAsync<TState, TResult>(
        HttpRequest request, int maxBytes, TState state, Parser<TState, TResult> parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parse);
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
                    return Parse(buffer, state, parse);
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

    private static TResult Parse<TState, TResult>(ReadOnlySequence<byte> body, TState state, Parser<TState, TResult> parse)
    {
        if (body.IsSingleSegment)
        {
            return parse(body.FirstSpan, state);
        }

        var length = checked((int)body.Length);
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(copy);
            return parse(copy.AsSpan(0, length), state);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}

/// <summary>
/// A hot endpoint's small JSON body, read whole by <see cref="RequestBody"/> and deserialized in one synchronous
/// call, without <see cref="JsonSerializer.DeserializeAsync{TValue}(Stream, JsonTypeInfo{TValue}, CancellationToken)"/>'s
/// own buffer and async read loop. Parsing is the same as
/// <see cref="JsonSerializer.Deserialize{TValue}(ReadOnlySpan{byte}, JsonTypeInfo{TValue})"/>: one JSON value and
/// nothing after it, with the type info's options.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>The body as <typeparamref name="T"/>; null for a JSON null.</summary>
    /// <exception cref="JsonException">The body is not one JSON value of that shape (an empty body included).</exception>
    /// <exception cref="RequestBodyTooLargeException">The body is longer than <paramref name="maxBytes"/>, whatever its Content-Length said.</exception>
    public static ValueTask<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return RequestBody.ReadAsync(request, maxBytes, typeInfo, static (body, info) => JsonSerializer.Deserialize(body, info), cancellationToken);
    }
}

/// <summary>A request body longer than its endpoint accepts (answered with 413).</summary>
internal sealed class RequestBodyTooLargeException(int maxBytes) : Exception($"The body must be at most {maxBytes} bytes.")
{
    public int MaxBytes { get; } = maxBytes;
}
