namespace Dco.Core.Tests.Evaluation;

/// <summary>Finds ../shared (beside the repository root) or $DCO_SHARED_DIR; null when absent.</summary>
internal static class SharedData
{
    public static string? Directory { get; } = Locate();

    public static string? ObdFile(string name)
    {
        if (Directory is null)
        {
            return null;
        }

        var path = Path.Combine(Directory, "data", "obd", "men", name);
        return File.Exists(path) ? path : null;
    }

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DCO_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return System.IO.Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DcoFunctions.sln")))
            {
                var shared = Path.Combine(dir.FullName, "..", "shared");
                return System.IO.Directory.Exists(shared) ? Path.GetFullPath(shared) : null;
            }
        }

        return null;
    }
}
