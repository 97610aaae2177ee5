using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.OpenApi;

/// <summary><c>GET /api/openapi.json</c> (anonymous): the OpenAPI document of every HTTP function of this app.</summary>
public sealed class OpenApiFunction(OpenApiDocument document)
{
    [Function("OpenApiDocument")]
    [OpenApiOperation("The OpenAPI 3.1 document of every HTTP endpoint of this app.", Tag = "Meta")]
    [OpenApiResponse(StatusCodes.Status200OK, Description = "The OpenAPI document.")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new ContentResult { StatusCode = StatusCodes.Status200OK, ContentType = "application/json", Content = document.Json };
}

/// <summary>The document, built once per process (the functions cannot change while it runs).</summary>
public sealed class OpenApiDocument
{
    private readonly Lazy<string> json = new(() => OpenApiDocumentBuilder.Build(typeof(OpenApiDocument).Assembly, "DcoFunctions", typeof(OpenApiDocument).Assembly.GetName().Version?.ToString() ?? "1.0.0").ToJsonString());

    public string Json => json.Value;

    public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();
}
