using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Tests.TestFunctions;

public sealed class BlobTestFunctions(InvocationLog log)
{
    [Function("OnAsset")]
    public void OnAsset([BlobTrigger("%AssetContainer%/{campaignId}/{file}")] string content, string campaignId, string file)
    {
        log.Record("OnAsset", $"{campaignId}|{file}|{content}");
    }
}
