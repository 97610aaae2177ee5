using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Dco.Functions.Http.Management;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document of every HTTP function in an assembly by reflection over its
/// <c>[Function]</c> methods and their <c>[HttpTrigger]</c>: route, methods, authorization level
/// (function and admin keys as <c>x-functions-key</c> header or <c>code</c> query), and the JSON
/// schemas of <see cref="OpenApiBodyAttribute"/> and <see cref="OpenApiResponseAttribute"/> types,
/// generated from the same serializer options the functions use.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string RoutePrefix = "/api/";

    /// <summary>One HTTP function as the document describes it.</summary>
    public sealed record HttpFunction(string Name, string Path, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel, MethodInfo Method);

    private static readonly string[] AllMethods = ["get", "post", "put", "delete", "patch", "head", "options"];

    /// <summary>Every <c>[Function]</c> method of <paramref name="assembly"/> with an <c>[HttpTrigger]</c> parameter.</summary>
    public static IReadOnlyList<HttpFunction> HttpFunctions(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<HttpFunction>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null);
                if (trigger is null)
                {
                    continue;
                }

                var route = string.IsNullOrWhiteSpace(trigger.Route) ? function.Name : trigger.Route.Trim('/');
                var methods = trigger.Methods is { Length: > 0 } m ? m.Select(x => x.ToLowerInvariant()).Distinct().ToArray() : AllMethods;
                functions.Add(new HttpFunction(function.Name, RoutePrefix + RouteTemplate(route), methods, trigger.AuthLevel, method));
            }
        }

        return [.. functions.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)];
    }

    public static JsonObject Build(Assembly assembly, string title, string version)
    {
        var schemas = new SchemaRegistry(ManagementHttp.Json);
        var paths = new JsonObject();
        foreach (var function in HttpFunctions(assembly))
        {
            if (paths[function.Path] is not JsonObject item)
            {
                item = [];
                paths[function.Path] = item;
            }

            foreach (var method in function.Methods)
            {
                item[method] = Operation(function, method, schemas);
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKey"] = KeyScheme("header", "x-functions-key", "A function key (or the admin key)."),
                    ["functionKeyQuery"] = KeyScheme("query", "code", "A function key (or the admin key) as the code query parameter."),
                    ["adminKey"] = KeyScheme("header", "x-functions-key", "The host's admin (master) key."),
                    ["adminKeyQuery"] = KeyScheme("query", "code", "The host's admin (master) key as the code query parameter."),
                },
            },
        };
    }

    private static JsonObject Operation(HttpFunction function, string method, SchemaRegistry schemas)
    {
        var operation = new JsonObject { ["operationId"] = function.Methods.Count == 1 ? function.Name : function.Name + "_" + method };
        if (function.Method.GetCustomAttribute<OpenApiOperationAttribute>() is { } info)
        {
            operation["summary"] = info.Summary;
            if (info.Tag is not null)
            {
                operation["tags"] = new JsonArray(info.Tag);
            }
        }

        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(function.Path))
        {
            parameters.Add(new JsonObject
            {
                ["name"] = match.Groups[1].Value,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (function.Method.GetCustomAttribute<OpenApiBodyAttribute>() is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { [body.ContentType] = new JsonObject { ["schema"] = schemas.SchemaFor(body.Type) } },
            };
        }

        var responses = new JsonObject();
        foreach (var response in function.Method.GetCustomAttributes<OpenApiResponseAttribute>().OrderBy(r => r.StatusCode))
        {
            var entry = new JsonObject { ["description"] = response.Description ?? DefaultDescription(response.StatusCode) };
            if (response.Type is not null)
            {
                entry["content"] = new JsonObject { [response.ContentType] = new JsonObject { ["schema"] = schemas.SchemaFor(response.Type) } };
            }
            else if (response.StatusCode >= 400)
            {
                entry["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = ProblemSchema() } };
            }

            responses[response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] = entry;
        }

        if (responses.Count == 0)
        {
            responses["default"] = new JsonObject { ["description"] = "The function's response." };
        }

        if (function.AuthLevel != AuthorizationLevel.Anonymous)
        {
            responses["401"] ??= new JsonObject
            {
                ["description"] = "Missing or wrong key.",
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = ProblemSchema() } },
            };
        }

        operation["responses"] = responses;
        operation["x-functions-auth-level"] = function.AuthLevel.ToString().ToLowerInvariant();
        operation["security"] = function.AuthLevel switch
        {
            AuthorizationLevel.Anonymous => new JsonArray(),
            AuthorizationLevel.Admin or AuthorizationLevel.System => new JsonArray(Requirement("adminKey"), Requirement("adminKeyQuery")),
            _ => new JsonArray(Requirement("functionKey"), Requirement("functionKeyQuery")),
        };
        return operation;
    }

    /// <summary>Route constraints and defaults (<c>{id:int}</c>, <c>{name?}</c>) are not OpenAPI syntax: keep the name.</summary>
    private static string RouteTemplate(string route) => RouteConstraint().Replace(route, m => "{" + m.Groups[1].Value + "}");

    private static JsonObject Requirement(string scheme) => new() { [scheme] = new JsonArray() };

    private static JsonObject KeyScheme(string location, string name, string description) => new()
    {
        ["type"] = "apiKey",
        ["in"] = location,
        ["name"] = name,
        ["description"] = description,
    };

    private static JsonObject ProblemSchema() => new() { ["$ref"] = "#/components/schemas/ProblemDetails" };

    private static string DefaultDescription(int status) => status switch
    {
        200 => "OK.",
        201 => "Created; Location and ETag headers name the new resource and its version.",
        204 => "No content.",
        400 => "Invalid input: problem details with field errors.",
        404 => "Not found.",
        409 => "Conflict.",
        412 => "The If-Match ETag is stale: read again and retry.",
        428 => "If-Match is required.",
        _ => "Status " + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
    };

    [GeneratedRegex(@"\{\*?([A-Za-z_][A-Za-z0-9_]*)(?:[:=?][^}]*)?\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex RouteParameter();

    /// <summary>
    /// Object types become components referenced by <c>$ref</c> (which also breaks recursion such as
    /// conditions inside conditions); everything else is inlined.
    /// </summary>
    private sealed class SchemaRegistry
    {
        private readonly JsonSerializerOptions options;
        private readonly Dictionary<Type, string> names = [];
        private readonly HashSet<Type> inlining = [];

        public SchemaRegistry(JsonSerializerOptions functionOptions)
        {
            // The functions' source-generated metadata first; reflection only for types no context declares.
            options = new JsonSerializerOptions(functionOptions)
            {
                // Numbers are numbers in the document, even though the functions accept quoted ones.
                NumberHandling = JsonNumberHandling.Strict,
                TypeInfoResolver = JsonTypeInfoResolver.Combine(functionOptions.TypeInfoResolver!, new DefaultJsonTypeInfoResolver()),
            };
            options.MakeReadOnly();
            Components["ProblemDetails"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "RFC 9457 problem details; errors maps a field path to messages.",
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["type"] = "string" },
                    ["title"] = new JsonObject { ["type"] = "string" },
                    ["status"] = new JsonObject { ["type"] = "integer" },
                    ["detail"] = new JsonObject { ["type"] = "string" },
                    ["errors"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                    },
                },
            };
        }

        public JsonObject Components { get; } = [];

        public JsonNode SchemaFor(Type type) => IsComponent(options.GetTypeInfo(type)) ? Reference(type) : Export(type);

        /// <summary>Classes serialized as JSON objects (polymorphic ones included) are components; collections, dictionaries and values are inlined.</summary>
        private static bool IsComponent(JsonTypeInfo info) => info.Kind == JsonTypeInfoKind.Object && !info.Type.IsValueType;

        private JsonObject Reference(Type type)
        {
            if (!names.TryGetValue(type, out var name))
            {
                name = UniqueName(type);
                names[type] = name;
                Components[name] = Export(type);
            }

            return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
        }

        /// <summary>
        /// The whole schema of <paramref name="type"/> with every nested component type (itself too, when
        /// recursive) replaced by its <c>$ref</c>; the derived shapes of a polymorphic type stay inline
        /// under its <c>anyOf</c> (they have no discriminator of their own).
        /// </summary>
        private JsonNode Export(Type type) => options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
                context.Path.Length > 0 && context.BaseTypeInfo is null && IsComponent(context.TypeInfo) ? Reference(context.TypeInfo.Type)
                : IsRelativeReference(node) ? Reinline(context.TypeInfo)
                : node,
        });

        private JsonNode Reinline(JsonTypeInfo info)
        {
            if (IsComponent(info))
            {
                return Reference(info.Type);
            }

            // A collection nested in itself cannot be inlined: allow any value rather than recurse forever.
            if (!inlining.Add(info.Type))
            {
                return new JsonObject();
            }

            try
            {
                return Export(info.Type);
            }
            finally
            {
                inlining.Remove(info.Type);
            }
        }

        /// <summary>The exporter reuses a schema it already wrote with a <c>$ref</c> to its path, which is meaningless once moved into a component.</summary>
        private static bool IsRelativeReference(JsonNode node) =>
            node is JsonObject obj
            && obj["$ref"] is JsonValue reference
            && reference.TryGetValue<string>(out var target)
            && target.StartsWith('#')
            && !target.StartsWith("#/components/", StringComparison.Ordinal);

        private string UniqueName(Type type)
        {
            var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Join("And", type.GetGenericArguments().Select(a => a.Name)) : type.Name;
            var unique = name;
            for (var i = 2; names.ContainsValue(unique) || Components.ContainsKey(unique); i++)
            {
                unique = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return unique;
        }
    }
}
