namespace Dco.Infrastructure.Learning;

/// <summary>
/// An <c>events</c> message that cannot be learned from: malformed, or its decision or campaign is gone.
/// Thrown so the host retries it (the decision may not be written yet) and, after <c>maxDequeueCount</c>
/// attempts, moves it to <c>events-poison</c>; the message names the cause.
/// </summary>
public class UnprocessableEventException : Exception
{
    public UnprocessableEventException()
    {
    }

    public UnprocessableEventException(string message)
        : base(message)
    {
    }

    public UnprocessableEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The event's decision record is not stored: not written yet (retry helps) or past its TTL (poison).</summary>
public sealed class UnknownDecisionException : UnprocessableEventException
{
    public UnknownDecisionException()
    {
    }

    public UnknownDecisionException(string message)
        : base(message)
    {
    }

    public UnknownDecisionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The campaign's model document kept changing under us; the message is retried later.</summary>
public sealed class ModelUpdateConflictException : Exception
{
    public ModelUpdateConflictException()
    {
    }

    public ModelUpdateConflictException(string message)
        : base(message)
    {
    }

    public ModelUpdateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
