using System.Diagnostics;
using Dco.Core.Simulation;

namespace Dco.Cli;

/// <summary>
/// An in-place progress bar on a text writer (the error stream, so stdout stays pure JSON). When
/// the stream is redirected it prints a line per 10 % instead of redrawing.
/// </summary>
internal sealed class ConsoleProgressBar : IProgress<SimulationProgress>, IDisposable
{
    private const int Width = 40;
    private readonly TextWriter _writer;
    private readonly bool _inPlace;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _lastTenth = -1;
    private bool _drawn;

    public ConsoleProgressBar(TextWriter writer, string label)
    {
        _writer = writer;
        _inPlace = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        _writer.WriteLine(label);
    }

    public void Report(SimulationProgress value)
    {
        var fraction = (double)value.Done / value.Total;
        var filled = (int)(fraction * Width);
        var eta = value.Done > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (value.Total - value.Done) / value.Done) : TimeSpan.Zero;
        var line = $"[{new string('#', filled)}{new string('-', Width - filled)}] {fraction,4:P0} {value.Done:N0}/{value.Total:N0} eta {eta:mm\\:ss}";
        if (_inPlace)
        {
            _writer.Write('\r' + line);
            _drawn = true;
        }
        else
        {
            var tenth = (int)(fraction * 10);
            if (tenth != _lastTenth)
            {
                _lastTenth = tenth;
                _writer.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        if (_drawn)
        {
            _writer.WriteLine();
        }
    }
}
