using Dco.DevHost.Tests.TestFunctions;
using Dco.DevHost.Timers;

namespace Dco.DevHost.Tests;

public sealed class TimerTriggerTests
{
    [SkippableFact]
    public async Task A_one_second_schedule_fires_repeatedly_with_timer_info()
    {
        var log = new InvocationLog();
        await using var host = await DevHostRunner.StartAsync([typeof(TimerTestFunctions)], new Dictionary<string, string?>(), log);

        var fired = await log.WaitForAsync("EverySecond", 3, TimeSpan.FromSeconds(15));

        Assert.All(fired, next => Assert.NotEqual(string.Empty, next));
        Assert.Equal(fired.Count, fired.Distinct().Count());
    }

    [Fact]
    public void Six_field_schedules_fire_on_the_second()
    {
        var next = TimerTriggerScheduler.ParseSchedule("*/5 * * * * *", "T");

        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc), next(new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc)));
    }

    [Fact]
    public void A_five_field_schedule_is_refused_with_the_function_name()
    {
        var error = Assert.Throws<FormatException>(() => TimerTriggerScheduler.ParseSchedule("*/5 * * * *", "RefreshSignals"));

        Assert.Contains("RefreshSignals", error.Message, StringComparison.Ordinal);
    }
}
