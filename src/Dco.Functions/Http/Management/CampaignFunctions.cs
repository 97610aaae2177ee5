using Dco.Core.Decisioning;
using Dco.Functions.OpenApi;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Dco.Functions.Http.Management;

/// <summary>
/// <c>/api/manage/campaigns</c> (admin key): list, get, create, replace and delete campaigns. Writes
/// need the ETag of the version they change in If-Match (428 without, 412 when stale).
/// </summary>
public sealed class CampaignFunctions(CampaignManager campaigns)
{
    private const string Tag = "Campaigns";

    [Function("ManageCampaignsList")]
    [OpenApiOperation("List campaigns, optionally only those with ?status=draft|active|paused|archived.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<CampaignDocument>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/campaigns")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var status = request.Query["status"].ToString();
        if (status.Length > 0 && !CampaignStatus.All.Contains(status))
        {
            return Problems.Field("status", $"Status '{status}' is not one of {string.Join(", ", CampaignStatus.All)}.");
        }

        return ManagementHttp.List(await campaigns.ListAsync(status.Length > 0 ? status : null, cancellationToken));
    }

    [Function("ManageCampaignGet")]
    [OpenApiOperation("Get a campaign; the ETag header is the token for If-Match on writes.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/campaigns/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.GetAsync(request, campaigns, id, cancellationToken);

    [Function("ManageCampaignCreate")]
    [OpenApiOperation("Create a campaign (validated and compiled); 409 if the id exists.", Tag = Tag)]
    [OpenApiBody(typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/campaigns")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ManagementHttp.CreateAsync(request, campaigns, "/api/manage/campaigns", cancellationToken);

    [Function("ManageCampaignReplace")]
    [OpenApiOperation("Replace a campaign; If-Match required.", Tag = Tag)]
    [OpenApiBody(typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.ReplaceAsync(request, campaigns, id, cancellationToken);

    [Function("ManageCampaignDelete")]
    [OpenApiOperation("Delete a campaign; If-Match required.", Tag = Tag)]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    [OpenApiResponse(StatusCodes.Status404NotFound)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "manage/campaigns/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ManagementHttp.DeleteAsync(request, campaigns, id, cancellationToken);
}

/// <summary>
/// Parts of a campaign replaced on their own (<c>PUT /api/manage/campaigns/{id}/rules</c> …): the
/// body is the part, If-Match is the campaign's ETag, and the whole campaign is validated again.
/// </summary>
public sealed class CampaignPartFunctions(CampaignManager campaigns)
{
    private const string Tag = "Campaign parts";

    [Function("ManageCampaignRules")]
    [OpenApiOperation("Replace a campaign's rules; If-Match is the campaign's ETag.", Tag = Tag)]
    [OpenApiBody(typeof(IReadOnlyList<RuleDefinition>))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Rules(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}/rules")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        UpdateAsync<IReadOnlyList<RuleDefinition>>(request, id, (c, rules) => c with { Definition = c.Definition with { Rules = rules } }, cancellationToken);

    [Function("ManageCampaignSlots")]
    [OpenApiOperation("Replace a campaign's slots and their assets' metadata; If-Match is the campaign's ETag.", Tag = Tag)]
    [OpenApiBody(typeof(IReadOnlyList<SlotDefinition>))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Slots(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}/slots")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        UpdateAsync<IReadOnlyList<SlotDefinition>>(request, id, (c, slots) => c with { Definition = c.Definition with { Slots = slots } }, cancellationToken);

    [Function("ManageCampaignConstraints")]
    [OpenApiOperation("Replace a campaign's compatibility constraints; If-Match is the campaign's ETag.", Tag = Tag)]
    [OpenApiBody(typeof(IReadOnlyList<CompatibilityConstraint>))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Constraints(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}/constraints")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        UpdateAsync<IReadOnlyList<CompatibilityConstraint>>(request, id, (c, constraints) => c with { Definition = c.Definition with { Constraints = constraints } }, cancellationToken);

    [Function("ManageCampaignFrequencyCaps")]
    [OpenApiOperation("Replace a campaign's frequency caps; If-Match is the campaign's ETag.", Tag = Tag)]
    [OpenApiBody(typeof(IReadOnlyList<FrequencyCapDefinition>))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> FrequencyCaps(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}/frequency-caps")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        UpdateAsync<IReadOnlyList<FrequencyCapDefinition>>(request, id, (c, caps) => c with { Definition = c.Definition with { FrequencyCaps = caps } }, cancellationToken);

    [Function("ManageCampaignPolicy")]
    [OpenApiOperation("Replace a campaign's policy settings; If-Match is the campaign's ETag.", Tag = Tag)]
    [OpenApiBody(typeof(PolicySettings))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CampaignDocument))]
    [OpenApiResponse(StatusCodes.Status400BadRequest)]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed)]
    [OpenApiResponse(StatusCodes.Status428PreconditionRequired)]
    public Task<IActionResult> Policy(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "manage/campaigns/{id}/policy")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        UpdateAsync<PolicySettings>(request, id, (c, policy) => c with { Definition = c.Definition with { Policy = policy } }, cancellationToken);

    private Task<IActionResult> UpdateAsync<TPart>(HttpRequest request, string id, Func<CampaignDocument, TPart, CampaignDocument> apply, CancellationToken cancellationToken)
        where TPart : class =>
        ManagementHttp.UpdateAsync(request, campaigns, id, apply, cancellationToken);
}
