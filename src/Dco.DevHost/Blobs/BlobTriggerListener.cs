using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Dco.DevHost.Catalog;
using Dco.DevHost.Hosting;
using Dco.DevHost.Invocation;
using Dco.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.DevHost.Blobs;

/// <summary>
/// Scans the container of one <c>[BlobTrigger]</c> function and invokes it once per blob version:
/// a receipt blob per (function, blob, ETag) in <c>azure-webjobs-hosts</c> records that the version
/// was processed, so a restart does not repeat it and a re-upload (new ETag) fires again. A version
/// that keeps failing is retried up to host.json's blob <c>maxDequeueCount</c>, then reported on the
/// <c>webjobs-blobtrigger-poison</c> queue, like the host.
/// </summary>
public sealed partial class BlobTriggerListener(
    FunctionDescriptor function,
    FunctionInvoker invoker,
    IConfiguration configuration,
    HostJson hostJson,
    IOptions<DevHostOptions> options,
    ILogger<BlobTriggerListener> logger) : BackgroundService
{
    public const string ReceiptContainer = "azure-webjobs-hosts";
    public const string PoisonQueue = "webjobs-blobtrigger-poison";
    private const string StatusKey = "status";
    private const string AttemptsKey = "attempts";

    private readonly HashSet<string> finished = new(StringComparer.Ordinal);

    public BlobPathPattern Pattern { get; } = BlobPathPattern.Parse(SettingResolver.Resolve(configuration, ((BlobTriggerAttribute)function.Trigger).BlobPath, function.Name));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var account = StorageAccount.FromConfiguration(configuration, ((BlobTriggerAttribute)function.Trigger).Connection);
        var blobs = account.CreateBlobServiceClient();
        var container = blobs.GetBlobContainerClient(Pattern.Container);
        var receipts = blobs.GetBlobContainerClient(ReceiptContainer);
        var poison = account.CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(PoisonQueue);
        await container.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        await receipts.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        LogListening(logger, function.Name, Pattern.Container);

        using var timer = new PeriodicTimer(options.Value.BlobScanInterval);
        do
        {
            try
            {
                await ScanAsync(container, receipts, poison, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex)
            {
                LogScanFailed(logger, ex, Pattern.Container);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task ScanAsync(BlobContainerClient container, BlobContainerClient receipts, QueueClient poison, CancellationToken token)
    {
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Pattern.Prefix, token))
        {
            var values = Pattern.Match(item.Name);
            var etag = item.Properties.ETag?.ToString();
            if (values is null || etag is null)
            {
                continue;
            }

            var receiptName = $"blobreceipts/{options.Value.HostId}/{function.Name}/{etag.Trim('"')}/{Pattern.Container}/{item.Name}";
            if (finished.Contains(receiptName))
            {
                continue;
            }

            var receipt = receipts.GetBlobClient(receiptName);
            var attempts = await ClaimAsync(receipt, token);
            if (attempts is null)
            {
                finished.Add(receiptName);
                continue;
            }

            await ProcessAsync(container.GetBlobClient(item.Name), new ETag(etag), values, receipt, attempts.Value, poison, token);
        }
    }

    /// <summary>Returns the attempts made so far for a version still to process, or null when it is done.</summary>
    private static async Task<int?> ClaimAsync(BlobClient receipt, CancellationToken token)
    {
        try
        {
            await receipt.UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = new Dictionary<string, string> { [StatusKey] = "pending", [AttemptsKey] = "0" },
                },
                token);
            return 0;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var properties = (await receipt.GetPropertiesAsync(cancellationToken: token)).Value;
            if (properties.Metadata.TryGetValue(StatusKey, out var status) && status != "pending")
            {
                return null;
            }

            return properties.Metadata.TryGetValue(AttemptsKey, out var text) && int.TryParse(text, out var n) ? n : 0;
        }
    }

    private async Task ProcessAsync(BlobClient blob, ETag etag, IReadOnlyDictionary<string, string> values, BlobClient receipt, int attempts, QueueClient poison, CancellationToken token)
    {
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["BlobTrigger"] = $"{Pattern.Container}/{blob.Name}",
            ["Uri"] = blob.Uri,
        };
        foreach (var (key, value) in values)
        {
            bindingData[key] = value;
        }

        try
        {
            var triggerValue = await ReadTriggerValueAsync(blob, etag, token);
            await invoker.InvokeAsync(function, new InvocationRequest(triggerValue, bindingData, attempts, hostJson.BlobMaxDequeueCount), token);
            await MarkAsync(receipt, "done", attempts + 1, CancellationToken.None); // it ran: record that even when stopping
            finished.Add(receipt.Name);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // The blob changed while we read it: the new version has its own receipt.
            await MarkAsync(receipt, "superseded", attempts, token);
            finished.Add(receipt.Name);
        }
#pragma warning disable CA1031 // A function failure of any kind must become a retry or a poison report, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            attempts++;
            if (attempts >= hostJson.BlobMaxDequeueCount)
            {
                var report = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["FunctionId"] = function.Name,
                    ["BlobType"] = "BlockBlob",
                    ["ContainerName"] = Pattern.Container,
                    ["BlobName"] = blob.Name,
                    ["ETag"] = etag.ToString(),
                    ["Error"] = ex.Message,
                });
                await poison.SendMessageAsync(report, token);
                await MarkAsync(receipt, "poisoned", attempts, token);
                finished.Add(receipt.Name);
                LogPoisoned(logger, ex, function.Name, blob.Name, attempts);
            }
            else
            {
                await MarkAsync(receipt, "pending", attempts, token);
                LogRetry(logger, ex, function.Name, blob.Name, attempts, hostJson.BlobMaxDequeueCount);
            }
        }
    }

    private async Task<object?> ReadTriggerValueAsync(BlobClient blob, ETag etag, CancellationToken token)
    {
        var target = function.TriggerParameter.ParameterType;
        if (target == typeof(BlobClient))
        {
            return blob;
        }

        var conditions = new BlobRequestConditions { IfMatch = etag };
        if (target == typeof(Stream))
        {
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = conditions }, token);
            return download.Value.Content;
        }

        var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, token);
        return TriggerPayload.Convert(content.Value.Content, target);
    }

    private static async Task MarkAsync(BlobClient receipt, string status, int attempts, CancellationToken token) =>
        await receipt.SetMetadataAsync(new Dictionary<string, string> { [StatusKey] = status, [AttemptsKey] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: token);

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {Function} watches container {Container}")]
    private static partial void LogListening(ILogger logger, string function, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning container {Container} failed")]
    private static partial void LogScanFailed(ILogger logger, Exception ex, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed on blob {Blob} (attempt {Attempt} of {Max}); it will be retried")]
    private static partial void LogRetry(ILogger logger, Exception ex, string function, string blob, int attempt, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed on blob {Blob} {Attempts} times; reported on the poison queue")]
    private static partial void LogPoisoned(ILogger logger, Exception ex, string function, string blob, int attempts);
}
