using System.Text.Json;
using System.Text.RegularExpressions;
using Dco.Deployment.Tests.Support;

namespace Dco.Deployment.Tests;

/// <summary>bicep build and bicep lint are clean, and the lint configuration really fails on warnings.</summary>
[Collection(CompiledMainCollection.Name)]
public sealed partial class BicepBuildAndLintTests(CompiledMain compiled)
{
    // Off on purpose (docs/decisions/0004-azure-deployment.md): date-dependent, or needs a registry.
    private static readonly string[] RulesAllowedOff = ["use-recent-api-versions", "use-recent-module-versions"];

    [Fact]
    public void Main_bicep_builds_without_any_diagnostic()
    {
        Assert.True(compiled.Build.ExitCode == 0, compiled.Build.ToString());
        Assert.True(string.IsNullOrWhiteSpace(compiled.Build.StandardError), $"bicep build reported diagnostics:\n{compiled.Build.StandardError}");
        Assert.NotNull(compiled.Root);
    }

    [Fact]
    public async Task Lint_of_main_and_every_module_reports_nothing()
    {
        var lint = await BicepCli.RunAsync(Repository.InfraBicep, "lint", Repository.MainBicep);

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(lint.StandardError + lint.StandardOutput), $"bicep lint reported diagnostics:\n{lint}");
    }

    [SkippableFact]
    public async Task Build_needs_no_network()
    {
        // unshare -n runs bicep in a network namespace with no interfaces: any registry or
        // download attempt would fail the build. Needs unshare and the right to use it.
        Skip.If(OperatingSystem.IsWindows() || !File.Exists("/usr/bin/unshare"), "Skipped: /usr/bin/unshare is not available.");
        var probe = await ProcessRunner.RunAsync("/usr/bin/unshare", ["-n", "true"], Repository.Root);
        Skip.If(probe.ExitCode != 0, $"Skipped: cannot create a network namespace here ({probe.StandardError.Trim()}).");

        var offline = await ProcessRunner.RunAsync(
            "/usr/bin/unshare",
            ["-n", BicepCli.Path, "build", Repository.MainBicep, "--stdout"],
            Repository.InfraBicep,
            timeout: TimeSpan.FromMinutes(3));

        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.Equal(compiled.CompiledJson.ReplaceLineEndings(), offline.StandardOutput.ReplaceLineEndings());
    }

    [Fact]
    public void Every_bicep_file_is_reached_from_main_so_lint_of_main_covers_it()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal) { Path.GetFullPath(Repository.MainBicep) };
        var pending = new Queue<string>(referenced);
        while (pending.Count > 0)
        {
            var file = pending.Dequeue();
            foreach (Match reference in ModuleOrImportPath().Matches(File.ReadAllText(file)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, reference.Groups["path"].Value));
                if (referenced.Add(target))
                {
                    pending.Enqueue(target);
                }
            }
        }

        var unreached = Repository.BicepFiles().Select(Path.GetFullPath).Where(f => !referenced.Contains(f)).ToList();
        Assert.True(unreached.Count == 0, $"Not reached from main.bicep (lint would skip them): {string.Join(", ", unreached)}");
    }

    [Fact]
    public void Linter_configuration_makes_every_rule_an_error_except_the_documented_ones()
    {
        using var config = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(Repository.InfraBicep, "bicepconfig.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").EnumerateObject().ToList();

        Assert.NotEmpty(rules);
        var notError = rules
            .Where(r => r.Value.GetProperty("level").GetString() != "error" && !RulesAllowedOff.Contains(r.Name))
            .Select(r => r.Name)
            .ToList();
        Assert.True(notError.Count == 0, $"Rules below error level: {string.Join(", ", notError)}");
    }

    [Fact]
    public async Task Lint_fails_on_a_template_that_would_only_warn_by_default()
    {
        // no-unused-params is a warning in bicep's defaults: with our bicepconfig.json it must fail the lint.
        var directory = Directory.CreateTempSubdirectory("dco-bicep-lint-");
        try
        {
            File.Copy(Path.Combine(Repository.InfraBicep, "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var template = Path.Combine(directory.FullName, "unused.bicep");
            await File.WriteAllTextAsync(template, "param neverUsed string\n");

            var lint = await BicepCli.RunAsync(directory.FullName, "lint", template);

            Assert.NotEqual(0, lint.ExitCode);
            Assert.Contains("Error no-unused-params", lint.StandardError + lint.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^\s*(module\s+\w+\s+|import\s+.*\bfrom\s+)'(?<path>[^':]+\.bicep)'", RegexOptions.Multiline)]
    private static partial Regex ModuleOrImportPath();
}
