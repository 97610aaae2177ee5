using Azure.Storage.Blobs;
using Dco.DevHost.Tests.TestFunctions;

namespace Dco.DevHost.Tests;

public sealed class BlobTriggerTests
{
    [SkippableFact]
    public async Task A_new_blob_fires_once_and_a_reupload_with_new_content_fires_again()
    {
        var log = new InvocationLog();
        var containerName = "assets-" + Guid.NewGuid().ToString("N")[..12];
        var container = new BlobContainerClient(Emulators.StorageConnectionString(), containerName);
        await container.CreateIfNotExistsAsync();
        await using var host = await DevHostRunner.StartAsync(
            [typeof(BlobTestFunctions)],
            new Dictionary<string, string?> { ["AssetContainer"] = containerName },
            log);
        var blob = container.GetBlobClient("summer-sale/headline.txt");

        await blob.UploadAsync(BinaryData.FromString("first"), overwrite: true);
        await log.WaitForAsync("OnAsset", 1, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // several scans: the same version must not fire again
        Assert.Equal(["summer-sale|headline.txt|first"], log.ValuesOf("OnAsset"));

        await blob.UploadAsync(BinaryData.FromString("second"), overwrite: true);
        await log.WaitForAsync("OnAsset", 2, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(["summer-sale|headline.txt|first", "summer-sale|headline.txt|second"], log.ValuesOf("OnAsset"));
    }

    [SkippableFact]
    public async Task A_processed_blob_is_not_processed_again_after_a_restart()
    {
        var log = new InvocationLog();
        var containerName = "assets-" + Guid.NewGuid().ToString("N")[..12];
        var container = new BlobContainerClient(Emulators.StorageConnectionString(), containerName);
        await container.CreateIfNotExistsAsync();
        var settings = new Dictionary<string, string?> { ["AssetContainer"] = containerName };
        await container.GetBlobClient("c1/a.txt").UploadAsync(BinaryData.FromString("x"));

        await using (var first = await DevHostRunner.StartAsync([typeof(BlobTestFunctions)], settings, log))
        {
            await log.WaitForAsync("OnAsset", 1, TimeSpan.FromSeconds(20));
            await Task.Delay(TimeSpan.FromSeconds(1)); // let the receipt be written before stopping
        }

        await using (var second = await DevHostRunner.StartAsync([typeof(BlobTestFunctions)], settings, log))
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Assert.Single(log.ValuesOf("OnAsset"));
    }
}
