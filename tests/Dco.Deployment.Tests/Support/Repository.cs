using System.Reflection;

namespace Dco.Deployment.Tests.Support;

/// <summary>Paths of the repository under test, fixed at build time (see the .csproj).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string InfraBicep => Path.Combine(Root, "infra-bicep");

    public static string MainBicep => Path.Combine(InfraBicep, "main.bicep");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every .bicep file under infra-bicep.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        [.. Directory.EnumerateFiles(InfraBicep, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    /// <summary>/work/shared (DESIGN.md): env DCO_SHARED_DIR, else ../shared beside the repository; null when absent.</summary>
    public static string? SharedDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DCO_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
        return Directory.Exists(beside) ? beside : null;
    }

    public static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing: rebuild tests/Dco.Deployment.Tests.");

    private static string FindRoot()
    {
        var root = Metadata("RepoRoot");
        if (System.IO.File.Exists(Path.Combine(root, "DcoFunctions.sln")))
        {
            return Path.GetFullPath(root);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "DcoFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DcoFunctions.sln not found at '{root}' nor above '{AppContext.BaseDirectory}'.");
    }
}
