using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dco.DevHost.Hosting;

/// <summary>The parts of <c>host.json</c> the DevHost honours, with the Functions host's defaults.</summary>
public sealed record HostJson(
    string RoutePrefix,
    QueueSettings Queues,
    string DurableHubName,
    int BlobMaxDequeueCount)
{
    public static HostJson Default { get; } = new("api", new QueueSettings(), "DcoHub", 5);

    public static HostJson Load(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return Default;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"host.json at '{path}' is not valid JSON: {ex.Message}", ex);
        }

        var extensions = root?["extensions"];
        var queues = extensions?["queues"];
        var defaults = new QueueSettings();
        var queueSettings = new QueueSettings
        {
            MaxDequeueCount = queues?["maxDequeueCount"]?.GetValue<int>() ?? defaults.MaxDequeueCount,
            BatchSize = queues?["batchSize"]?.GetValue<int>() ?? defaults.BatchSize,
            VisibilityTimeout = ParseTimeSpan(queues?["visibilityTimeout"]) ?? defaults.VisibilityTimeout,
            MaxPollingInterval = ParseTimeSpan(queues?["maxPollingInterval"]) ?? defaults.MaxPollingInterval,
            Base64Encoding = !string.Equals(queues?["messageEncoding"]?.GetValue<string>(), "none", StringComparison.OrdinalIgnoreCase),
        };
        if (queueSettings.BatchSize is < 1 or > 32)
        {
            throw new InvalidOperationException($"host.json extensions.queues.batchSize must be 1..32, not {queueSettings.BatchSize}.");
        }

        return new HostJson(
            extensions?["http"]?["routePrefix"]?.GetValue<string>() ?? Default.RoutePrefix,
            queueSettings,
            extensions?["durableTask"]?["hubName"]?.GetValue<string>() ?? Default.DurableHubName,
            extensions?["blobs"]?["maxDequeueCount"]?.GetValue<int>() ?? Default.BlobMaxDequeueCount);
    }

    private static TimeSpan? ParseTimeSpan(JsonNode? node) =>
        node is null ? null : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record QueueSettings
{
    public int MaxDequeueCount { get; init; } = 5;

    public int BatchSize { get; init; } = 16;

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public bool Base64Encoding { get; init; } = true;
}
