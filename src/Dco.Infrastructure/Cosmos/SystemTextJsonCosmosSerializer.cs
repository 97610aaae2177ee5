using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Cosmos;

/// <summary>
/// Cosmos serialization over System.Text.Json with source-generated metadata only: callers supply
/// their <see cref="JsonSerializerContext"/>s (STYLE.md #9); property names are camelCase and
/// nulls are not written (a null <c>ttl</c> would be rejected by Cosmos DB).
/// </summary>
public sealed class SystemTextJsonCosmosSerializer : CosmosSerializer
{
    public SystemTextJsonCosmosSerializer(IEnumerable<IJsonTypeInfoResolver> contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        IJsonTypeInfoResolver[] resolvers = [.. contexts, CosmosPrimitivesJsonContext.Default];
        Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(resolvers),
        };
        Options.MakeReadOnly();
    }

    // 128 KB blocks (the default): a document fits one block, so the SDK's view of it as one buffer is no copy.
    private static readonly Microsoft.IO.RecyclableMemoryStreamManager Streams = new(new Microsoft.IO.RecyclableMemoryStreamManager.Options
    {
        MaximumSmallPoolFreeBytes = 16 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 16 * 1024 * 1024,
    });

    /// <summary>The options every document goes through; useful to callers that serialize the same records elsewhere.</summary>
    public JsonSerializerOptions Options { get; }

    public override T FromStream<T>(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (typeof(Stream).IsAssignableFrom(typeof(T)))
        {
            return (T)(object)stream;
        }

        using (stream)
        {
            if (stream.CanSeek && stream.Length == 0)
            {
                return default!;
            }

            if (Options.TryGetTypeInfo(typeof(T), out var typeInfo))
            {
                return (T)JsonSerializer.Deserialize(stream, typeInfo)!;
            }

            // The SDK reads query pages as T[]; contexts usually declare only T.
            if (typeof(T).IsArray && typeof(T).GetElementType() is { } elementType)
            {
                return (T)(object)DeserializeArray(stream, elementType);
            }

            throw MissingMetadata(typeof(T));
        }
    }

    /// <summary>
    /// Documents are written into pooled blocks, not a MemoryStream that doubles its array: a page of
    /// decisions is about 100 KB, and each doubling past 85 KB would land on the large-object heap
    /// (which only full collections reclaim). The SDK disposes the stream after the request.
    /// </summary>
    public override Stream ToStream<T>(T input)
    {
        var stream = Streams.GetStream("cosmos-document");
        var type = input is null ? typeof(T) : input.GetType();
        if (Options.TryGetTypeInfo(type, out var typeInfo))
        {
            JsonSerializer.Serialize(stream, input, typeInfo);
        }
        else if (input is IEnumerable items && type.IsArray && type.GetElementType() is { } elementType)
        {
            SerializeArray(stream, items, elementType);
        }
        else
        {
            throw MissingMetadata(type);
        }

        stream.Position = 0;
        return stream;
    }

    private Array DeserializeArray(Stream stream, Type elementType)
    {
        var elementInfo = Options.TryGetTypeInfo(elementType, out var info) ? info : throw MissingMetadata(elementType);
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"Expected a JSON array of {elementType.Name}, got {document.RootElement.ValueKind}.");
        }

        var result = Array.CreateInstance(elementType, document.RootElement.GetArrayLength());
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            result.SetValue(element.Deserialize(elementInfo), index++);
        }

        return result;
    }

    private void SerializeArray(Stream stream, IEnumerable items, Type elementType)
    {
        var elementInfo = Options.TryGetTypeInfo(elementType, out var info) ? info : throw MissingMetadata(elementType);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        foreach (var item in items)
        {
            JsonSerializer.Serialize(writer, item, elementInfo);
        }

        writer.WriteEndArray();
    }

    private static NotSupportedException MissingMetadata(Type type) =>
        new($"No System.Text.Json metadata for {type.FullName}: add [JsonSerializable(typeof({type.Name}))] to a JsonSerializerContext and register it with AddCosmosJsonContext.");
}

/// <summary>Metadata for the values the SDK itself serializes through us: query parameters and patch values.</summary>
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class CosmosPrimitivesJsonContext : JsonSerializerContext;
