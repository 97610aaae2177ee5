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
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var stored = await brandKits.GetAsync(id, cancellationToken);
        return stored is null ? Problems.NotFound($"No brand kit '{id}'.") : ManagementHttp.Document(request, stored.Value, stored.ETag);
    }

    [Function("ManageBrandKitCreate")]
    [OpenApiOperation("Create a brand kit; 409 if the id exists.", Tag = Tag)]
    [OpenApiBody(typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/brand-kits")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (kit, problem) = await ManagementHttp.ReadBodyAsync<BrandKitDocument>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var result = await brandKits.CreateAsync(kit!, cancellationToken);
        return ManagementHttp.Result(request, result, "brand kit", kit!.Id, location: $"/api/manage/brand-kits/{Uri.EscapeDataString(kit.Id)}");
    }

    [Function("ManageBrandKitReplace")]
    [OpenApiOperation("Replace a brand kit; If-Match required.", Tag = Tag)]
    [OpenApiBody(typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(BrandKitDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public async Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var (ifMatch, missing) = ManagementHttp.RequireIfMatch(request, "brand kit");
        if (missing is not null)
        {
            return missing;
        }

        var (kit, problem) = await ManagementHttp.ReadBodyAsync<BrandKitDocument>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return ManagementHttp.Result(request, await brandKits.ReplaceAsync(id, kit!, ifMatch!, cancellationToken), "brand kit", id);
    }

    [Function("ManageBrandKitDelete")]
    [OpenApiOperation("Delete a brand kit no campaign uses; If-Match required.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status409Conflict)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "manage/brand-kits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var (ifMatch, missing) = ManagementHttp.RequireIfMatch(request, "brand kit");
        return missing ?? ManagementHttp.Result(request, await brandKits.DeleteAsync(id, ifMatch!, cancellationToken), "brand kit", id, noContent: true);
    }
}
