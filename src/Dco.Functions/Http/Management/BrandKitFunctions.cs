using Dco.Functions.OpenApi;
using Dco.Infrastructure.Campaigns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http.Management;

/// <summary><c>/api/manage/brand-kits</c> (admin key): CRUD of brand kits with the same If-Match rules as campaigns.</summary>
public sealed class BrandKitFunctions(BrandKitManager brandKits)
{
    private const string Tag = "Brand kits";

    [Function("ManageBrandKitsList")]
    [OpenApiOperation("List brand kits.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<BrandKitDocument>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/brand-kits")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ManagementHttp.List(await brandKits.ListAsync(cancellationToken));

    [Function("ManageBrandKitGet")]
    [OpenApiOperation("Get a brand kit with its ETag.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.GetAsync(request, brandKits, id, cancellationToken);

    [Function("ManageBrandKitCreate")]
    [OpenApiOperation("Create a brand kit; 409 if the id exists.", Tag = Tag)]
    [OpenApiBody(typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/brand-kits")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ManagementHttp.CreateAsync(request, brandKits, "/api/manage/brand-kits", cancellationToken);

    [Function("ManageBrandKitReplace")]
    [OpenApiOperation("Replace a brand kit; If-Match required.", Tag = Tag)]
    [OpenApiBody(typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.ReplaceAsync(request, brandKits, id, cancellationToken);

    [Function("ManageBrandKitDelete")]
    [OpenApiOperation("Delete a brand kit no campaign uses; If-Match required.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status409Conflict)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.DeleteAsync(request, brandKits, id, cancellationToken);
}
