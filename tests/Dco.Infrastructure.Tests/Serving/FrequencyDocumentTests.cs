using System.Text;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving;

namespace Dco.Infrastructure.Tests.Serving;

public sealed class FrequencyDocumentTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 30, 15, TimeSpan.Zero);
    private readonly SystemTextJsonCosmosSerializer serializer = new([ServingJsonContext.Default]);

    [Fact]
    public void Times_are_stored_as_unix_seconds_and_read_back_to_the_second()
    {
        var frequency = new CampaignFrequencyDocument
        {
            Campaign = [Seen.AddMilliseconds(750), Seen.AddMinutes(1)],
            Assets = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a"] = [Seen] },
            Combinations = new Dictionary<string, IReadOnlyList<DateTimeOffset>> { ["headline-a|image-b"] = [Seen.AddMinutes(1)] },
        };

        using var stream = serializer.ToStream(frequency);
        var json = Encoding.UTF8.GetString(((MemoryStream)stream).ToArray());
        stream.Position = 0;
        var read = serializer.FromStream<CampaignFrequencyDocument>(stream);

        var seconds = Seen.ToUnixTimeSeconds();
        Assert.Equal($$$"""{"campaign":[{{{seconds}}},{{{seconds + 60}}}],"assets":{"headline-a":[{{{seconds}}}]},"combinations":{"headline-a|image-b":[{{{seconds + 60}}}]}}""", json);
        Assert.Equal([Seen, Seen.AddMinutes(1)], read.Campaign);
        Assert.Equal([Seen], read.Assets["headline-a"]);
        Assert.Equal([Seen.AddMinutes(1)], read.Combinations["headline-a|image-b"]);
    }

    [Fact]
    public void A_profile_written_with_iso_8601_times_still_reads()
    {
        const string Stored = """
            {"id":"k1","userKey":"k1","frequency":{"demo":{
              "campaign":["2026-11-28T12:30:15.4427251+00:00"],
              "assets":{"headline-a":["2026-11-28T13:30:15+01:00", 1795912215]},
              "combinations":{}}}}
            """;

        var profile = serializer.FromStream<ProfileDocument>(new MemoryStream(Encoding.UTF8.GetBytes(Stored)));

        var demo = profile.Frequency["demo"];
        Assert.Equal(Seen.AddTicks(4427251), demo.Campaign.Single());
        Assert.Equal([Seen, DateTimeOffset.FromUnixTimeSeconds(1795912215)], demo.Assets["headline-a"]);
        Assert.Empty(demo.Combinations);
    }

    [Theory]
    [InlineData("""{"campaign":{}}""")]
    [InlineData("""{"campaign":[true]}""")]
    [InlineData("""{"assets":[]}""")]
    public void Malformed_times_are_refused(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => serializer.FromStream<CampaignFrequencyDocument>(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}
