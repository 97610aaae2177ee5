namespace Dco.Core.Tests.Serving;

/// <summary>A clock the test moves by hand (the test project does not reference FakeTimeProvider).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
