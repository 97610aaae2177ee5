using Dco.DevHost.Catalog;
using Dco.DevHost.Hosting;
using Dco.DevHost.Invocation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Dco.DevHost.Timers;

/// <summary>
/// Runs one <c>[TimerTrigger]</c> function on its schedule: a six-field NCrontab expression (seconds
/// first, as the Functions host uses) or a TimeSpan, <c>%setting%</c> placeholders resolved, with
/// <c>RunOnStartup</c> and a <see cref="TimerInfo"/> carrying last/next occurrences. Runs never overlap.
/// </summary>
public sealed partial class TimerTriggerScheduler : BackgroundService
{
    private readonly FunctionDescriptor function;
    private readonly FunctionInvoker invoker;
    private readonly TimeProvider time;
    private readonly ILogger<TimerTriggerScheduler> logger;
    private readonly Func<DateTime, DateTime> next;

    public TimerTriggerScheduler(FunctionDescriptor function, FunctionInvoker invoker, IConfiguration configuration, TimeProvider time, ILogger<TimerTriggerScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(function);
        this.function = function;
        this.invoker = invoker;
        this.time = time;
        this.logger = logger;
        var expression = SettingResolver.Resolve(configuration, ((TimerTriggerAttribute)function.Trigger).Schedule, function.Name);
        next = ParseSchedule(expression, function.Name);
    }

    public static Func<DateTime, DateTime> ParseSchedule(string expression, string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6)
        {
            var schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
                           ?? throw new FormatException($"Function '{functionName}': '{expression}' is not a valid six-field NCrontab schedule.");
            return schedule.GetNextOccurrence;
        }

        if (TimeSpan.TryParse(expression, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return last => last + interval;
        }

        throw new FormatException(
            $"Function '{functionName}': timer schedule '{expression}' must be a six-field NCrontab expression " +
            "({second} {minute} {hour} {day} {month} {day-of-week}) or a positive TimeSpan.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var trigger = (TimerTriggerAttribute)function.Trigger;
        var now = time.GetUtcNow().UtcDateTime;
        DateTime? last = null;
        if (trigger.RunOnStartup)
        {
            await RunAsync(last, now, next(now), stoppingToken);
            last = now;
        }

        var due = next(now);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = due - time.GetUtcNow().UtcDateTime;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // A timer may wake a little early: never compute the next occurrence from before this one.
            var fired = time.GetUtcNow().UtcDateTime;
            var following = next(fired > due ? fired : due);
            await RunAsync(last, due, following, stoppingToken, isPastDue: fired - due > TimeSpan.FromSeconds(1));
            last = due;
            due = following;
        }
    }

    private async Task RunAsync(DateTime? last, DateTime due, DateTime following, CancellationToken token, bool isPastDue = false)
    {
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = following, LastUpdated = due },
        };
        try
        {
            await invoker.InvokeAsync(function, new InvocationRequest(info, new Dictionary<string, object?>()), token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // stopping
        }
#pragma warning disable CA1031 // A failed timer run is logged and the schedule goes on, as in the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex, function.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed; the next run keeps its schedule")]
    private static partial void LogFailed(ILogger logger, Exception ex, string function);
}
