using System.Text.Json.Nodes;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>The azd hooks, run with a fake `az`: what they send to Azure, and that no key ever reaches a command line.</summary>
public sealed class HookScriptTests : IDisposable
{
    // Base64 with every character that needs URL encoding.
    private const string SystemKey = "Ab+cD/eF9gH0iJ1kL2mN3oP4qR5sT6uV7wX8yZ==";

    private readonly FakeAzureCli _az = new();

    public HookScriptTests()
    {
        SkipIfNoPosixShell();
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["AZURE_SUBSCRIPTION_ID"] = "00000000-1111-2222-3333-444444444444",
            ["AZURE_RESOURCE_GROUP"] = "rg-dev",
            ["AZURE_FUNCTION_APP_NAME"] = "func-api-abc",
            ["AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"] = "evgt-storage-abc",
            ["SERVICE_API_URI"] = "https://func-api-abc.azurewebsites.net",
            ["AZURE_KEY_VAULT_NAME"] = "kv-abc",
            ["TRACKING_SIGNING_KEY_SECRET_NAME"] = "tracking-signing-key",
            ["FAKE_FUNCTIONS"] = "func-api-abc/AssetUploaded",
            ["FAKE_SYSTEM_KEY"] = SystemKey,
            ["FAKE_BLOB_PATH"] = "assets-incoming/{campaignId}/{name}",
            ["FAKE_SECRET_EXISTS"] = "0",
            ["FAKE_NEWEST_VERSION"] = "v2",
        })
        {
            _az.Environment[name] = value;
        }
    }

    [SkippableFact]
    public async Task Postdeploy_subscribes_each_blob_triggered_function_to_its_container_with_the_url_encoded_system_key()
    {
        var run = await _az.RunHookAsync("postdeploy.sh");

        Assert.True(run.ExitCode == 0, run.ToString());
        var body = JsonNode.Parse(_az.ReadOrEmpty("rest-body-0.json"))!["properties"]!;
        Assert.Equal(
            "https://func-api-abc.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.AssetUploaded&code=Ab%2BcD%2FeF9gH0iJ1kL2mN3oP4qR5sT6uV7wX8yZ%3D%3D",
            body["destination"]!["properties"]!["endpointUrl"]!.ToString());
        Assert.Equal("/blobServices/default/containers/assets-incoming/", body["filter"]!["subjectBeginsWith"]!.ToString());
        Assert.Equal("Microsoft.Storage.BlobCreated", body["filter"]!["includedEventTypes"]![0]!.ToString());
        Assert.Equal(
            "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-dev/providers/Microsoft.EventGrid/systemTopics/evgt-storage-abc/eventSubscriptions/blobs-AssetUploaded?api-version=2025-02-15",
            _az.ReadOrEmpty("rest-url-0.txt").Trim());
    }

    [SkippableFact]
    public async Task Postdeploy_never_puts_the_system_key_on_a_command_line_or_in_its_output()
    {
        var run = await _az.RunHookAsync("postdeploy.sh");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Ab+cD", _az.ArgvLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Ab%2BcD", _az.ArgvLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Ab+cD", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Ab%2BcD", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Postdeploy_creates_nothing_when_no_function_has_a_blob_trigger()
    {
        _az.Environment["FAKE_FUNCTIONS"] = string.Empty;

        var run = await _az.RunHookAsync("postdeploy.sh");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("no blob-triggered function", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("rest", _az.ArgvLog, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Postdeploy_rejects_a_blob_path_without_a_literal_container()
    {
        _az.Environment["FAKE_BLOB_PATH"] = "%ASSETS_CONTAINER%/{name}";

        var run = await _az.RunHookAsync("postdeploy.sh");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("cannot read a container name", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Hooks_name_the_missing_variable_when_run_outside_azd()
    {
        _az.Environment.Remove("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME");
        _az.Environment.Remove("AZURE_KEY_VAULT_NAME");

        var postdeploy = await _az.RunHookAsync("postdeploy.sh");
        var signingKey = await _az.RunHookAsync("signing-key.sh", "ensure");

        Assert.NotEqual(0, postdeploy.ExitCode);
        Assert.Contains("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME is not set", postdeploy.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, signingKey.ExitCode);
        Assert.Contains("AZURE_KEY_VAULT_NAME is not set", signingKey.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Signing_key_ensure_creates_a_random_32_byte_key_when_the_secret_is_missing()
    {
        SkipIfNoOpenssl();

        var run = await _az.RunHookAsync("signing-key.sh", "ensure");

        Assert.True(run.ExitCode == 0, run.ToString());
        var key = Convert.FromBase64String(_az.ReadOrEmpty("secret-value"));
        Assert.Equal(32, key.Length);
        Assert.DoesNotContain(_az.ReadOrEmpty("secret-value"), _az.ArgvLog, StringComparison.Ordinal);
        Assert.Contains("keyvault secret set --vault-name kv-abc --name tracking-signing-key --file ", _az.ArgvLog, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Signing_key_ensure_leaves_an_existing_secret_unchanged()
    {
        _az.Environment["FAKE_SECRET_EXISTS"] = "1";

        var run = await _az.RunHookAsync("signing-key.sh", "ensure");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("keyvault secret set ", _az.ArgvLog, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Signing_key_disable_refuses_the_newest_version_and_disables_an_older_one()
    {
        _az.Environment["FAKE_SECRET_EXISTS"] = "1";

        var newest = await _az.RunHookAsync("signing-key.sh", "disable", "v2");
        var older = await _az.RunHookAsync("signing-key.sh", "disable", "v1");

        Assert.NotEqual(0, newest.ExitCode);
        Assert.Contains("refusing to disable v2", newest.StandardError, StringComparison.Ordinal);
        Assert.True(older.ExitCode == 0, older.ToString());
        Assert.Contains("keyvault secret set-attributes --vault-name kv-abc --name tracking-signing-key --version v1 --enabled false", _az.ArgvLog, StringComparison.Ordinal);
    }

    public void Dispose() => _az.Dispose();

    private static void SkipIfNoPosixShell() =>
        Skip.If(OperatingSystem.IsWindows() || !File.Exists("/bin/sh"), "Skipped: the azd hooks are POSIX sh scripts and need /bin/sh.");

    private static void SkipIfNoOpenssl() =>
        Skip.IfNot(
            (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, "openssl"))),
            "Skipped: openssl is not on PATH (the hook needs it to generate keys).");
}
