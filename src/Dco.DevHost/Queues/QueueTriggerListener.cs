using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Dco.DevHost.Catalog;
using Dco.DevHost.Hosting;
using Dco.DevHost.Invocation;
using Dco.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.DevHost.Queues;

/// <summary>
/// Polls one queue for one <c>[QueueTrigger]</c> function with the host's semantics: batches of
/// <c>batchSize</c>, a failed message becomes visible again after <c>visibilityTimeout</c>, and after
/// <c>maxDequeueCount</c> attempts it moves, body intact, to <c>&lt;queue&gt;-poison</c>.
/// </summary>
public sealed partial class QueueTriggerListener(
    FunctionDescriptor function,
    FunctionInvoker invoker,
    IConfiguration configuration,
    HostJson hostJson,
    IOptions<DevHostOptions> options,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public string QueueName { get; } = SettingResolver.Resolve(configuration, ((QueueTriggerAttribute)function.Trigger).QueueName, function.Name).ToLowerInvariant();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = hostJson.Queues;
        var trigger = (QueueTriggerAttribute)function.Trigger;
        var account = StorageAccount.FromConfiguration(configuration, trigger.Connection);
        var clientOptions = new QueueClientOptions { MessageEncoding = settings.Base64Encoding ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        var service = account.CreateQueueServiceClient(clientOptions);
        var queue = service.GetQueueClient(QueueName);
        var poison = service.GetQueueClient(QueueName + "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        LogListening(logger, function.Name, QueueName);

        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, options.Value.QueueProcessingLease, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex)
            {
                LogPollFailed(logger, ex, QueueName);
                messages = [];
            }

            if (messages.Length == 0)
            {
                // Back off like the host: double up to maxPollingInterval while the queue is empty.
                await Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            delay = MinPollingInterval;
            await Task.WhenAll(messages.Select(m => ProcessAsync(queue, poison, m, settings, stoppingToken)));
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, QueueSettings settings, CancellationToken stoppingToken)
    {
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = message.MessageId,
            ["DequeueCount"] = message.DequeueCount,
            ["InsertionTime"] = message.InsertedOn,
            ["ExpirationTime"] = message.ExpiresOn,
            ["PopReceipt"] = message.PopReceipt,
        };
        try
        {
            var value = TriggerPayload.Convert(message.Body, function.TriggerParameter.ParameterType, () => message);
            await invoker.InvokeAsync(function, new InvocationRequest(value, bindingData, (int)message.DequeueCount - 1, settings.MaxDequeueCount), stoppingToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: hand the message back now (not when its lease ends) without counting a failure.
            await ReleaseAsync(queue, message);
        }
#pragma warning disable CA1031 // A function failure of any kind must become a retry or a poison message, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await HandleFailureAsync(queue, poison, message, settings, ex);
        }
    }

    private async Task HandleFailureAsync(QueueClient queue, QueueClient poison, QueueMessage message, QueueSettings settings, Exception failure)
    {
        try
        {
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                // Copy first, then delete: a crash in between leaves a duplicate, never a lost message.
                await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                LogPoisoned(logger, failure, function.Name, message.MessageId, QueueName, message.DequeueCount);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
                LogRetry(logger, failure, function.Name, message.MessageId, message.DequeueCount, settings.MaxDequeueCount);
            }
        }
        catch (RequestFailedException ex)
        {
            // The lease expired meanwhile (stale pop receipt): the message is visible again and will be retried.
            LogReleaseFailed(logger, ex, message.MessageId, QueueName);
        }
    }

    private async Task ReleaseAsync(QueueClient queue, QueueMessage message)
    {
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            LogReleaseFailed(logger, ex, message.MessageId, QueueName);
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {Function} listens on queue {Queue}")]
    private static partial void LogListening(ILogger logger, string function, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed")]
    private static partial void LogPollFailed(ILogger logger, Exception ex, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed on message {MessageId} (attempt {Attempt} of {Max}); it will be retried")]
    private static partial void LogRetry(ILogger logger, Exception ex, string function, string messageId, long attempt, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed on message {MessageId} from {Queue} {Attempts} times; moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, Exception ex, string function, string messageId, string queue, long attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release message {MessageId} on {Queue}; it will reappear when its lease ends")]
    private static partial void LogReleaseFailed(ILogger logger, Exception ex, string messageId, string queue);
}
