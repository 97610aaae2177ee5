using System.Collections.Concurrent;

namespace Dco.DevHost.Tests;

/// <summary>What the test functions did, shared between a test and the hosts it starts.</summary>
public sealed class InvocationLog
{
    private readonly ConcurrentQueue<(string Function, string Value)> entries = new();

    public void Record(string function, string value) => entries.Enqueue((function, value));

    public IReadOnlyList<string> ValuesOf(string function) =>
        entries.Where(e => e.Function == function).Select(e => e.Value).ToList();

    public async Task<IReadOnlyList<string>> WaitForAsync(string function, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var values = ValuesOf(function);
            if (values.Count >= count)
            {
                return values;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{function} was invoked {ValuesOf(function).Count} times, expected {count} within {timeout}.");
    }
}
