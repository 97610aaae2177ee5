using Azure.Storage.Queues;
using Dco.DevHost.Tests.TestFunctions;

namespace Dco.DevHost.Tests;

public sealed class QueueTriggerTests
{
    [SkippableFact]
    public async Task Each_queue_message_is_handled_exactly_once()
    {
        var log = new InvocationLog();
        var queueName = "ok-" + Guid.NewGuid().ToString("N")[..12];
        await using var host = await DevHostRunner.StartAsync(
            [typeof(QueueTestFunctions)],
            new Dictionary<string, string?> { ["OkQueue"] = queueName, ["FailQueue"] = queueName + "-unused" },
            log);
        var queue = new QueueClient(Emulators.StorageConnectionString(), queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var sent = Enumerable.Range(0, 25).Select(i => $"message-{i}").ToList();
        foreach (var body in sent)
        {
            await queue.SendMessageAsync(body);
        }

        await log.WaitForAsync("CountMessages", sent.Count, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few more polling rounds: nothing may come twice

        Assert.Equal(sent.Order(), log.ValuesOf("CountMessages").Order());
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [SkippableFact]
    public async Task A_message_that_always_fails_is_tried_maxDequeueCount_times_then_poisoned_with_its_body_intact()
    {
        var log = new InvocationLog();
        var queueName = "fail-" + Guid.NewGuid().ToString("N")[..12];
        await using var host = await DevHostRunner.StartAsync(
            [typeof(QueueTestFunctions)],
            new Dictionary<string, string?> { ["FailQueue"] = queueName, ["OkQueue"] = queueName + "-unused" },
            log);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = new QueueClient(Emulators.StorageConnectionString(), queueName, options);
        var poison = new QueueClient(Emulators.StorageConnectionString(), queueName + "-poison", options);
        await queue.CreateIfNotExistsAsync();
        const string body = "{\"eventId\":\"e-1\",\"note\":\"ünïcode & <markup>\"}";
        await queue.SendMessageAsync(body);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        Azure.Storage.Queues.Models.PeekedMessage[] poisoned = [];
        while (DateTime.UtcNow < deadline && poisoned.Length == 0)
        {
            await Task.Delay(200);
            if ((await poison.ExistsAsync()).Value)
            {
                poisoned = (await poison.PeekMessagesAsync(10)).Value;
            }
        }

        Assert.Single(poisoned);
        Assert.Equal(body, poisoned[0].Body.ToString());
        Assert.Equal(3, log.ValuesOf("AlwaysFails").Count); // test.host.json: maxDequeueCount 3
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
