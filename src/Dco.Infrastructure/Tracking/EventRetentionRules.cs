using Dco.Infrastructure.Serving;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Tracking;

/// <summary>
/// Events must outlive their decision: an event's deterministic id is what makes a repeat a duplicate, so
/// an event that expires while its decision is still stored could be recorded, and learned from, twice.
/// Spans two sections, so it is checked at start-up where both are bound.
/// </summary>
public sealed class EventRetentionRules(IOptions<ServingOptions> serving) : IValidateOptions<TrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var decisions = serving.Value.DecisionRetention;
        return options.EventRetention >= decisions
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{TrackingOptions.SectionName}__eventRetention ({options.EventRetention:c}) is shorter than {ServingOptions.SectionName}__decisionRetention ({decisions:c}): " +
                "a repeat of an expired event would be counted again while its decision can still be learned from. Raise the first or lower the second.");
    }
}
