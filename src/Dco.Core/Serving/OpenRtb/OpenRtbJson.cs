using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dco.Core.Serving.OpenRtb;

/// <summary>Source-generated JSON for the OpenRTB model: null members are omitted on output, as the spec expects.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BidRequest))]
[JsonSerializable(typeof(BidResponse))]
public sealed partial class OpenRtbJsonContext : JsonSerializerContext;

/// <summary>One problem with an OpenRTB object: <see cref="Path"/> in the spec's field names (<c>imp[0].banner.w</c>).</summary>
public sealed record OpenRtbError(string Path, string Message);

/// <summary>Parsing and writing OpenRTB JSON without exceptions leaking to the caller.</summary>
public static class OpenRtbJson
{
    /// <summary>Parses a bid request; on failure <paramref name="error"/> names where and why (for a 400).</summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> utf8Json, out BidRequest? request, out OpenRtbError? error)
    {
        request = null;
        error = null;
        try
        {
            request = JsonSerializer.Deserialize(utf8Json, OpenRtbJsonContext.Default.BidRequest);
            if (request is null)
            {
                error = new OpenRtbError("$", "The body is JSON null; a BidRequest object is required.");
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = new OpenRtbError(ToFieldPath(ex.Path), FirstSentence(ex.Message));
            return false;
        }
    }

    public static bool TryParseResponse(ReadOnlySpan<byte> utf8Json, out BidResponse? response, out OpenRtbError? error)
    {
        response = null;
        error = null;
        try
        {
            response = JsonSerializer.Deserialize(utf8Json, OpenRtbJsonContext.Default.BidResponse);
            if (response is null)
            {
                error = new OpenRtbError("$", "The body is JSON null; a BidResponse object is required.");
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = new OpenRtbError(ToFieldPath(ex.Path), FirstSentence(ex.Message));
            return false;
        }
    }

    public static byte[] Serialize(BidResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, OpenRtbJsonContext.Default.BidResponse);

    public static byte[] Serialize(BidRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, OpenRtbJsonContext.Default.BidRequest);

    /// <summary>"$.imp[0].banner.w" → "imp[0].banner.w".</summary>
    private static string ToFieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;

    private static string FirstSentence(string message)
    {
        var pathIndex = message.IndexOf(" Path:", StringComparison.Ordinal);
        return pathIndex > 0 ? message[..pathIndex] : message;
    }
}
