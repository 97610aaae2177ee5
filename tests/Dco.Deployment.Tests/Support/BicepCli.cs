namespace Dco.Deployment.Tests.Support;

/// <summary>
/// The bicep executable from the NuGet package Azure.Bicep.CommandLine.linux-x64 (pinned in
/// Directory.Packages.props). Build and lint need no network: the Azure type definitions ship
/// inside the CLI and infra-bicep uses local modules only.
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync(
            Path,
            arguments,
            workingDirectory,
            new Dictionary<string, string>
            {
                // No telemetry, no first-run banner: CI output stays the compiler's diagnostics only.
                ["BICEP_TELEMETRY_ENABLED"] = "false",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            },
            TimeSpan.FromMinutes(3));

    private static string Locate()
    {
        var path = Repository.Metadata("BicepPath");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"bicep not found at '{path}': restore tests/Dco.Deployment.Tests (package Azure.Bicep.CommandLine.linux-x64).", path);
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet extraction does not always keep the executable bit.
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }

        return path;
    }
}
