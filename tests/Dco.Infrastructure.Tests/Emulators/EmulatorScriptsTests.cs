using System.Diagnostics;

namespace Dco.Infrastructure.Tests.Emulators;

/// <summary>
/// azurite/start.sh and stop.sh, run for real: they must start both emulators on free ports,
/// write usable settings, reuse what runs, and leave no process behind. Needs node (and the npm
/// registry the first time); skips without node unless DCO_REQUIRE_EMULATORS=1.
/// </summary>
public sealed class EmulatorScriptsTests : IAsyncLifetime
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"dco-emulators-test-{Guid.NewGuid():N}");
    private readonly string scripts = Path.Combine(RepositoryRoot(), "azurite");

    [SkippableFact]
    public async Task Start_writes_settings_for_both_emulators_and_stop_leaves_no_process_behind()
    {
        RequireNode();
        await RunAsync("start.sh", "--free-ports");
        var env = await File.ReadAllTextAsync(Path.Combine(stateDir, "emulators.env"));
        var pids = new[] { ReadPid("azurite"), ReadPid("cosmos") };
        var whileRunning = pids.Select(IsNode).ToList();

        await RunAsync("stop.sh");

        Assert.Equal([true, true], whileRunning);
        Assert.Contains("export AzureWebJobsStorage='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;", env, StringComparison.Ordinal);
        Assert.Contains("export COSMOS__accountEndpoint='http://127.0.0.1:", env, StringComparison.Ordinal);
        Assert.Equal([false, false], pids.Select(IsAlive));
        Assert.Empty(Directory.GetFiles(stateDir, "*.pid"));
    }

    [SkippableFact]
    public async Task A_second_start_from_the_same_state_dir_reuses_the_running_emulators()
    {
        RequireNode();
        try
        {
            await RunAsync("start.sh", "--free-ports");
            var first = (ReadPid("azurite"), ReadPid("cosmos"));

            var output = await RunAsync("start.sh", "--free-ports");

            Assert.Equal(first, (ReadPid("azurite"), ReadPid("cosmos")));
            Assert.Contains("Cosmos stand-in reused", output, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync("stop.sh");
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A test that failed half-way must still leave no emulator running.
        if (Directory.Exists(stateDir) && Directory.GetFiles(stateDir, "*.pid").Length > 0)
        {
            await RunAsync("stop.sh");
        }

        if (Directory.Exists(stateDir))
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private async Task<string> RunAsync(string script, params string[] extra)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(scripts, script));
        start.ArgumentList.Add("--state-dir");
        start.ArgumentList.Add(stateDir);
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private int ReadPid(string name) => int.Parse(File.ReadAllText(Path.Combine(stateDir, $"{name}.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static bool IsNode(int pid) => IsAlive(pid) && File.ReadAllText($"/proc/{pid}/comm").Trim() == "node";

    private static void RequireNode()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "node")));
        if (!found && Environment.GetEnvironmentVariable("DCO_REQUIRE_EMULATORS") == "1")
        {
            throw new InvalidOperationException("DCO_REQUIRE_EMULATORS=1 but node is not on PATH: the emulator scripts cannot run.");
        }

        Skip.IfNot(found, "node is not on PATH: the emulator start/stop scripts cannot run here.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "azurite", "start.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No azurite/start.sh above {AppContext.BaseDirectory}.");
    }
}
