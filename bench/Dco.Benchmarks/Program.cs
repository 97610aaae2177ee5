using BenchmarkDotNet.Running;
using Dco.Benchmarks;

// `latency [n]` times single decisions; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "latency")
{
    LatencyProbe.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400_000);
    return;
}

if (args.Length > 0 && args[0] == "stages")
{
    StageProbe.Run(100_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
