using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dco.Core.Decisioning;
using Dco.Core.Serving.Privacy;
using Dco.Functions.Http.Decide;
using Dco.Infrastructure.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Tests.Serving;

/// <summary>
/// Decide's hand-written response body (<see cref="DecideResponse"/>) against what System.Text.Json makes
/// of the documented record (<see cref="DecideResponseBody"/>, the schema <c>/api/openapi.json</c> gives) with
/// decide's options: byte for byte, for decisions whose text needs escaping, whose creative is longer than one
/// buffer chunk, and for the default creative.
/// </summary>
public sealed class DecideResponseTests
{
    private static readonly JsonSerializerOptions ReferenceOptions = new(DecideFunction.JsonOptions)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(DecisioningJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    // Quotes, a backslash, a control character, markup, non-ASCII letters, an emoji (a surrogate pair), a
    // line separator; repeated past the writer's 4 KB creative buffer so chunks end mid-text.
    private const string Awkward = "\"Rain\" \\ & <shine>\u0001 Ünïcödé ☔ 🌂\u2028deals";

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task The_written_body_is_what_the_serializer_makes_of_the_same_fields(bool explain, bool longText)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..10];
        var campaign = ServingHost.Campaign(id);
        var text = longText ? string.Concat(Enumerable.Repeat(Awkward, 200)) : Awkward;
        campaign = campaign with
        {
            Definition = campaign.Definition with
            {
                Slots =
                [
                    campaign.Definition.Slots[0] with { Assets = [.. campaign.Definition.Slots[0].Assets.Select(a => a with { Content = text + a.Id })] },
                    campaign.Definition.Slots[1] with { Assets = [.. campaign.Definition.Slots[1].Assets.Select(a => a with { Attributes = new Dictionary<string, string>(a.Attributes) { ["alt"] = Awkward } })] },
                ],
            },
        };
        await using var host = await ServingHost.StartAsync(campaign);
        var decisions = host.Services.GetRequiredService<DecisionService>();

        foreach (var consent in new[] { new ExplicitConsent(true, true), new ExplicitConsent(false, false) })
        {
            var (result, failure) = await decisions.DecideAsync(
                new DecideCommand(id, null, "viewer-7", new ConsentSignals { Explicit = consent }, new DecideContext(Geo: "NL-AMS"), [], new Uri("https://dco.example/")),
                CancellationToken.None);
            Assert.Null(failure);
            Assert.Equal(!consent.Advertising, result!.Decision.IsDefault);
            Assert.NotNull(result.Html);

            var written = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(written, new JsonWriterOptions { Encoder = DecideFunction.JsonOptions.Encoder }))
            {
                DecideResponse.Write(writer, result, explain);
            }

            var expected = JsonSerializer.Serialize(DecideResponseBody.Of(result, explain), ReferenceOptions);
            Assert.Equal(expected, Encoding.UTF8.GetString(written.WrittenSpan));
            var body = JsonDocument.Parse(written.WrittenMemory).RootElement;
            Assert.Contains("&lt;shine&gt;", body.GetProperty("html").GetString(), StringComparison.Ordinal);

            // The headline slot's assets have destinations: its click URL, written from the decision's bytes, is the creative's.
            var headlineClick = body.GetProperty("assets")[0].GetProperty("clickUrl").GetString();
            Assert.StartsWith("https://dco.example/api/t/c?t=", headlineClick, StringComparison.Ordinal);
            Assert.Equal(headlineClick, body.GetProperty("clickUrl").GetString());
            Assert.StartsWith("https://dco.example/api/t/i?t=", body.GetProperty("impressionUrl").GetString(), StringComparison.Ordinal);
        }
    }
}
