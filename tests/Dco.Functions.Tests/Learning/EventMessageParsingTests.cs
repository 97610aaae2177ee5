using Dco.Core.Decisioning;
using Dco.Infrastructure.Learning;

namespace Dco.Functions.Tests.Learning;

public sealed class EventMessageParsingTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not json {")]
    [InlineData("{\"eventId\":\"imp_1\",\"campaignId\":\"c\"}")]
    [InlineData("{\"eventId\":\"imp_1\",\"campaignId\":\"c\",\"decisionId\":\"d\",\"kind\":\"Teleport\",\"occurredAt\":\"2026-11-28T12:00:00Z\"}")]
    public void Malformed_messages_are_refused_with_an_unprocessable_event_exception(string body)
    {
        var error = Assert.Throws<UnprocessableEventException>(() => EventLearningService.Parse(body));

        Assert.StartsWith("Malformed events message", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_well_formed_message_round_trips()
    {
        var message = EventLearningService.Parse(
            "{\"eventId\":\"cnv_1\",\"campaignId\":\"c\",\"decisionId\":\"d\",\"kind\":\"Conversion\",\"occurredAt\":\"2026-11-28T12:00:00Z\",\"value\":12.5,\"currency\":\"EUR\"}");

        Assert.Equal((FeedbackKind.Conversion, 12.5, "EUR"), (message.Kind, message.Value, message.Currency));
    }
}
