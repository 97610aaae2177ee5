using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Dco.DevHost.Tests.TestFunctions;

public sealed record ApprovalInput(string AssetId, int TimerSeconds);

public sealed record StepInput(string InstanceId, string Step);

public sealed class DurableTestFunctions(InvocationLog log)
{
    public const string SideEffectsContainer = "devhost-test-side-effects";

    /// <summary>Activity → external event → durable timer → activity, like an approval workflow.</summary>
    [Function("ApprovalFlow")]
    public static async Task<string> ApprovalFlow([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = context.GetInput<ApprovalInput>() ?? throw new InvalidOperationException("input required");
        await context.CallActivityAsync<string>("RecordStep", new StepInput(context.InstanceId, "submitted"));
        var decision = await context.WaitForExternalEvent<string>("Decision");
        await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.TimerSeconds), CancellationToken.None);
        await context.CallActivityAsync<string>("RecordStep", new StepInput(context.InstanceId, "decided-" + decision));
        return $"{input.AssetId}:{decision}";
    }

    /// <summary>The side effect carries an idempotency key (instance + step): a re-run writes nothing new.</summary>
    [Function("RecordStep")]
    public async Task<string> RecordStep([ActivityTrigger] StepInput step, FunctionContext context)
    {
        log.Record("RecordStep", $"{step.InstanceId}/{step.Step}");
        var connection = Environment.GetEnvironmentVariable("AzureWebJobsStorage")!;
        var container = new BlobContainerClient(connection, SideEffectsContainer);
        await container.CreateIfNotExistsAsync();
        try
        {
            await container.GetBlobClient($"{step.InstanceId}/{step.Step}").UploadAsync(
                BinaryData.FromString(step.Step),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // already recorded by an earlier attempt
        }

        return step.Step;
    }
}
