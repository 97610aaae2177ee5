namespace Dco.Deployment.Tests.Support;

/// <summary>
/// A stand-in `az` on PATH for running the azd hooks without Azure: it records every command
/// line, copies request bodies and key files it is given, and answers from its settings.
/// </summary>
public sealed class FakeAzureCli : IDisposable
{
    private const string Script = """
        #!/bin/sh
        # Fake az for tests/Dco.Deployment.Tests: logs argv, answers from FAKE_* variables.
        printf '%s\n' "$*" >> "$FAKE_AZ_DIR/argv.log"
        case "$1 $2 $3" in
          "functionapp function list") printf '%s\n' "$FAKE_FUNCTIONS"; exit 0 ;;
          "functionapp keys list") printf '%s\n' "$FAKE_SYSTEM_KEY"; exit 0 ;;
          "functionapp function show") printf '%s\n' "$FAKE_BLOB_PATH"; exit 0 ;;
          "keyvault secret show")
            if [ "$FAKE_SECRET_EXISTS" = 1 ]; then printf 'https://kv.vault.azure.net/secrets/s/%s\n' "$FAKE_NEWEST_VERSION"; exit 0; fi
            echo "ERROR: (SecretNotFound) A secret with (name/id) s was not found in this key vault." >&2; exit 1 ;;
          "keyvault secret set")
            while [ $# -gt 0 ]; do [ "$1" = --file ] && cp "$2" "$FAKE_AZ_DIR/secret-value"; shift; done
            echo "https://kv.vault.azure.net/secrets/s/newversion"; exit 0 ;;
          "keyvault secret set-attributes") exit 0 ;;
        esac
        if [ "$1" = rest ]; then
          n=$(ls "$FAKE_AZ_DIR" | grep -c '^rest-body' || true)
          while [ $# -gt 0 ]; do
            [ "$1" = --body ] && cp "${2#@}" "$FAKE_AZ_DIR/rest-body-$n.json"
            [ "$1" = --url ] && printf '%s\n' "$2" > "$FAKE_AZ_DIR/rest-url-$n.txt"
            shift
          done
          exit 0
        fi
        echo "fake az: unexpected command: $*" >&2
        exit 3
        """;

    private readonly DirectoryInfo _directory = System.IO.Directory.CreateTempSubdirectory("dco-fake-az-");

    public FakeAzureCli()
    {
        var az = System.IO.Path.Combine(BinDirectory, "az");
        System.IO.Directory.CreateDirectory(BinDirectory);
        File.WriteAllText(az, Script.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string WorkDirectory => _directory.FullName;

    private string BinDirectory => System.IO.Path.Combine(WorkDirectory, "bin");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string ArgvLog => ReadOrEmpty("argv.log");

    public string ReadOrEmpty(string name)
    {
        var path = System.IO.Path.Combine(WorkDirectory, name);
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    /// <summary>Runs a hook with <c>sh</c>, the fake az first on PATH, and only the given variables set.</summary>
    public Task<ProcessResult> RunHookAsync(string hook, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal)
        {
            ["PATH"] = $"{BinDirectory}:{System.Environment.GetEnvironmentVariable("PATH")}",
            ["FAKE_AZ_DIR"] = WorkDirectory,
            ["DCO_HOOK_ATTEMPTS"] = "2",
            ["DCO_HOOK_RETRY_SECONDS"] = "0",
        };
        return ProcessRunner.RunAsync(
            "sh",
            [System.IO.Path.Combine(Repository.InfraBicep, "hooks", hook), .. arguments],
            Repository.Root,
            environment,
            TimeSpan.FromSeconds(60));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
