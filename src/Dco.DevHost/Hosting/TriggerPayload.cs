using System.Text.Json;

namespace Dco.DevHost.Hosting;

/// <summary>Converts a trigger's payload to the trigger parameter's type, as the worker's converters do.</summary>
internal static class TriggerPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static object? Convert(BinaryData payload, Type target, Func<object>? sdkObject = null)
    {
        if (target == typeof(string))
        {
            return payload.ToString();
        }

        if (target == typeof(byte[]))
        {
            return payload.ToArray();
        }

        if (target == typeof(BinaryData))
        {
            return payload;
        }

        if (target == typeof(ReadOnlyMemory<byte>))
        {
            return payload.ToMemory();
        }

        if (sdkObject is not null)
        {
            var candidate = sdkObject();
            if (target.IsInstanceOfType(candidate))
            {
                return candidate;
            }
        }

        try
        {
            return JsonSerializer.Deserialize(payload.ToMemory().Span, target, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The payload is not valid JSON for {target.Name}: {ex.Message}", ex);
        }
    }
}
