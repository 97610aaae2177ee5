namespace Dco.DevHost.Tests;

/// <summary>
/// Where the end-to-end tests find Azurite: the <c>AzureWebJobsStorage</c> connection string that
/// <c>./dco test</c> exports. Without it the tests skip and say so, unless DCO_REQUIRE_EMULATORS=1
/// (set by <c>./dco test</c> and CI), where a missing emulator is a failure, never a silent skip.
/// </summary>
internal static class Emulators
{
    public static string StorageConnectionString()
    {
        var value = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        var required = Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1";
        if (string.IsNullOrWhiteSpace(value) || value == "UseDevelopmentStorage=true" && !required)
        {
            if (required)
            {
                throw new InvalidOperationException("DCO_REQUIRE_EMULATORS=1 but AzureWebJobsStorage is not set: start the emulators (./dco test does).");
            }

            Skip.If(true, "Skipped: Azurite is not configured (set AzureWebJobsStorage, or run ./dco test).");
        }

        return value!;
    }

    /// <summary>Azurite and the Cosmos endpoint, under the same skip-or-fail rule.</summary>
    public static void RequireCosmos()
    {
        StorageConnectionString();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COSMOS__accountEndpoint")))
        {
            if (Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1")
            {
                throw new InvalidOperationException("DCO_REQUIRE_EMULATORS=1 but COSMOS__accountEndpoint is not set.");
            }

            Skip.If(true, "Skipped: the Cosmos emulator is not configured (run ./dco test).");
        }
    }
}
