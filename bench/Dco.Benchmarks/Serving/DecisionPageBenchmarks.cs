using BenchmarkDotNet.Attributes;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Tests.Serving;

namespace Dco.Benchmarks.Serving;

/// <summary>
/// Writing a full page of demo decisions as the decision log sends it to Cosmos DB (128 decisions, each with
/// its viewer, assets, destinations and features): a cost decide pays per decision, off its request. Run:
/// <c>dotnet run -c Release --project bench/Dco.Benchmarks -- --filter '*DecisionPageBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class DecisionPageBenchmarks
{
    private readonly SystemTextJsonCosmosSerializer serializer = new([ServingJsonContext.Default]);
    private DecisionPageDocument page = null!;

    [GlobalSetup]
    public void Setup() => page = DemoDecisionPages.Page(seed: 11);

    /// <summary>The page serialized into the pooled stream the Cosmos SDK sends; returns its length.</summary>
    [Benchmark]
    public long WriteDemoPage()
    {
        using var stream = serializer.ToStream(page);
        return stream.Length;
    }
}
