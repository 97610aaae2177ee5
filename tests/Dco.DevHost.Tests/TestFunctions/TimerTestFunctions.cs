using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Tests.TestFunctions;

public sealed class TimerTestFunctions(InvocationLog log)
{
    [Function("EverySecond")]
    public void EverySecond([TimerTrigger("* * * * * *")] TimerInfo timer)
    {
        log.Record("EverySecond", timer.ScheduleStatus?.Next.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "");
    }
}
