using System.Text.Json.Serialization;

namespace Dco.Core.Decisioning;

/// <summary>
/// A rule condition. Feature references are strings:
/// <list type="bullet">
/// <item><c>context.placement</c>, <c>context.device</c>, <c>context.geo</c>, <c>context.pageCategory</c>,
/// <c>context.dayOfWeek</c> (text), <c>context.localHour</c> (number, hours since local midnight),
/// <c>context.attributes.NAME</c> (custom attribute)</item>
/// <item><c>profile.segments</c> (set; with <see cref="InCondition"/> or <see cref="ExistsCondition"/>)</item>
/// <item><c>signal.NAME@KEY</c> (number) where KEY is a literal, <c>{geo}</c> (the request's geo) or
/// <c>{asset.ATTR}</c> (the targeted asset's attribute: the rule is then evaluated per asset)</item>
/// </list>
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AllCondition), "all")]
[JsonDerivedType(typeof(AnyCondition), "any")]
[JsonDerivedType(typeof(NotCondition), "not")]
[JsonDerivedType(typeof(CompareCondition), "compare")]
[JsonDerivedType(typeof(InCondition), "in")]
[JsonDerivedType(typeof(ExistsCondition), "exists")]
[JsonDerivedType(typeof(TimeWindowCondition), "timeWindow")]
public abstract record Condition;

/// <summary>True when every inner condition holds (true when empty).</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Conditions) : Condition;

/// <summary>True when at least one inner condition holds (false when empty).</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Conditions) : Condition;

public sealed record NotCondition(Condition Condition) : Condition;

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}

/// <summary>
/// Compares a feature with either a number (numeric comparison; text features are parsed with the
/// invariant culture) or a text (ordinal, case-insensitive; only Equal and NotEqual). A missing feature
/// makes the comparison false.
/// </summary>
public sealed record CompareCondition : Condition
{
    public required string Feature { get; init; }

    public required ComparisonOperator Operator { get; init; }

    public double? Number { get; init; }

    public string? Text { get; init; }
}

/// <summary>Set membership: the feature's value (or, for <c>profile.segments</c>, any of the viewer's segments) is one of <see cref="Values"/>.</summary>
public sealed record InCondition : Condition
{
    public required string Feature { get; init; }

    public required IReadOnlyList<string> Values { get; init; }
}

/// <summary>The feature is present (a signal exists, a context field is set, the viewer has any segment).</summary>
public sealed record ExistsCondition : Condition
{
    public required string Feature { get; init; }
}

/// <summary>The viewer's local time is in [From, To) (wrapping past midnight when From &gt; To), on the given days (empty: any day).</summary>
public sealed record TimeWindowCondition : Condition
{
    public TimeOnly From { get; init; }

    public TimeOnly To { get; init; }

    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];
}
