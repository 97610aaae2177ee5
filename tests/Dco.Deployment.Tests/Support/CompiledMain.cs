using System.Text.Json.Nodes;

namespace Dco.Deployment.Tests.Support;

/// <summary>main.bicep compiled once per test run (bicep build takes seconds), shared by the test classes.</summary>
public sealed class CompiledMain : IAsyncLifetime
{
    private readonly string _outputDirectory = Path.Combine(Path.GetTempPath(), $"dco-bicep-{Guid.NewGuid():N}");
    private ArmDeployment? _root;

    public ProcessResult Build { get; private set; } = new(-1, string.Empty, "not built");

    public string CompiledJson { get; private set; } = string.Empty;

    /// <summary>The compiled template; fails the calling test with the compiler's output if the build failed.</summary>
    public ArmDeployment Root => _root ?? throw new InvalidOperationException($"bicep build of main.bicep failed:\n{Build}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputDirectory);
        var outputFile = Path.Combine(_outputDirectory, "main.json");
        Build = await BicepCli.RunAsync(Repository.InfraBicep, "build", Repository.MainBicep, "--outfile", outputFile);
        if (Build.ExitCode == 0 && File.Exists(outputFile))
        {
            CompiledJson = await File.ReadAllTextAsync(outputFile);
            _root = ArmDeployment.Root(JsonNode.Parse(CompiledJson)!.AsObject());
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_outputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledMainCollection : ICollectionFixture<CompiledMain>
{
    public const string Name = "compiled main.bicep";
}
