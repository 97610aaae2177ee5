using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tests.Tracking;

public sealed class EventRetentionRulesTests
{
    private static ValidateOptionsResult Validate(TimeSpan events, TimeSpan decisions) =>
        new EventRetentionRules(Options.Create(new ServingOptions { DecisionRetention = decisions }))
            .Validate(Options.DefaultName, new TrackingOptions { EventRetention = events });

    [Fact]
    public void An_event_retention_as_long_as_the_decision_retention_is_accepted()
    {
        Assert.True(Validate(TimeSpan.FromDays(30), TimeSpan.FromDays(30)).Succeeded);
    }

    [Fact]
    public void An_event_retention_shorter_than_the_decision_retention_is_refused_naming_both_settings()
    {
        var result = Validate(TimeSpan.FromDays(29), TimeSpan.FromDays(30));

        Assert.True(result.Failed);
        Assert.Contains("TRACKING__eventRetention (29.00:00:00) is shorter than SERVING__decisionRetention (30.00:00:00)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_settings_are_accepted()
    {
        Assert.True(new EventRetentionRules(Options.Create(new ServingOptions())).Validate(Options.DefaultName, new TrackingOptions()).Succeeded);
    }
}
