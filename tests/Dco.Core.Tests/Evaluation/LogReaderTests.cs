using System.Text.Json;
using Dco.Core.Evaluation;

namespace Dco.Core.Tests.Evaluation;

public sealed class LogReaderTests
{
    private const string ObdHeader = ",timestamp,item_id,position,click,propensity_score,user_feature_0";

    [Fact]
    public void Obd_reader_keys_context_by_position_and_action_by_item()
    {
        var csv = ObdHeader + "\n0,2019-11-24 00:01:03+00:00,2,3,1,0.25,abc\n";

        var log = OpenBanditDatasetReader.Read(new StringReader(csv), "t.csv");

        Assert.Equal(new LoggedSample("position=3", "2", 1, 0.25), log.Samples.Single());
    }

    [Fact]
    public void Obd_reader_names_the_missing_columns()
    {
        var error = Assert.Throws<FormatException>(() => OpenBanditDatasetReader.Read(new StringReader(",item_id,click\n"), "t.csv"));

        Assert.Contains("position, propensity_score", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Obd_reader_reports_the_line_of_a_zero_propensity()
    {
        var csv = ObdHeader + "\n0,t,2,3,1,0.25,abc\n1,t,2,3,0,0,abc\n";

        var error = Assert.Throws<FormatException>(() => OpenBanditDatasetReader.Read(new StringReader(csv), "t.csv"));

        Assert.StartsWith("t.csv:3: propensity_score 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_log_record_round_trips_through_the_source_generated_context()
    {
        var record = Record("d1", clicked: true);

        var json = JsonSerializer.Serialize(record, EvaluationJsonContext.Default.DecisionLogRecord);
        var back = JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.DecisionLogRecord)!;

        Assert.Contains("\"decisionId\":\"d1\"", json, StringComparison.Ordinal);
        Assert.Equal(record.AssetIds, back.AssetIds);
        Assert.Equal(record.Slots, back.Slots);
        Assert.Equal(record.Outcome, back.Outcome);
        Assert.Equal(record.Propensity, back.Propensity);
    }

    [Theory]
    [InlineData(RewardMetric.Click, 1.0)]
    [InlineData(RewardMetric.Conversion, 0.0)]
    [InlineData(RewardMetric.Value, 0.0)]
    public void Decision_log_reader_takes_the_chosen_reward(RewardMetric metric, double expected)
    {
        var line = JsonSerializer.Serialize(Record("d1", clicked: true), EvaluationJsonContext.Default.DecisionLogRecord);

        var sample = DecisionLogReader.Read(new StringReader(line), "log.jsonl", metric).Samples.Single();

        Assert.Equal(expected, sample.Reward);
    }

    [Fact]
    public void Decision_log_reader_keys_the_action_like_the_engine_and_the_context_canonically()
    {
        var line = JsonSerializer.Serialize(Record("d1", clicked: false), EvaluationJsonContext.Default.DecisionLogRecord);

        var sample = DecisionLogReader.Read(new StringReader(line), "log.jsonl").Samples.Single();

        Assert.Equal("h2|i1", sample.Action);
        Assert.Equal("segment=family;weather=rain", sample.ContextKey);
        Assert.Equal(0.125, sample.Propensity);
        Assert.Equal(0.01, sample.PropensityStandardError);
    }

    [Fact]
    public void Decision_log_reader_rejects_a_record_without_outcome_with_its_line_and_id()
    {
        var line = JsonSerializer.Serialize(Record("d9", clicked: false) with { Outcome = null }, EvaluationJsonContext.Default.DecisionLogRecord);

        var error = Assert.Throws<FormatException>(() => DecisionLogReader.Read(new StringReader("\n" + line), "log.jsonl"));

        Assert.StartsWith("log.jsonl:2 (decision 'd9'): no outcome is joined in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_log_reader_skips_default_creative_decisions_and_counts_them()
    {
        var lines = string.Join('\n',
            JsonSerializer.Serialize(Record("d1", clicked: true), EvaluationJsonContext.Default.DecisionLogRecord),
            JsonSerializer.Serialize(Record("d2", clicked: false) with { IsDefault = true, Propensity = 1 }, EvaluationJsonContext.Default.DecisionLogRecord));

        var log = DecisionLogReader.Read(new StringReader(lines), "log.jsonl");

        Assert.Equal(1, log.Count);
        Assert.Equal(1, log.SkippedDefaults);
    }

    [Fact]
    public void Decision_log_record_from_an_engine_decision_keeps_its_ids_propensity_and_policy()
    {
        var engineRecord = new Dco.Core.Decisioning.DecisionRecord
        {
            DecisionId = "d7",
            CampaignId = "c1",
            CampaignVersion = "3",
            PolicyName = "factorized-thompson",
            PolicyVersion = "3.120",
            DecidedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
            Consent = Dco.Core.Decisioning.ConsentLevel.Full,
            AssetIds = ["h1", "i2"],
            Propensity = 0.3,
        };

        var record = DecisionLogRecord.From(engineRecord, ["headline", "image"], new Dictionary<string, string> { ["segment"] = "family" });

        Assert.Equal(("d7", "c1", "3.120", 0.3), (record.DecisionId, record.CampaignId, record.PolicyVersion, record.Propensity));
        Assert.Equal(["h1", "i2"], record.AssetIds);
        Assert.Null(record.Outcome);
    }

    [Fact]
    public void Decision_log_reader_refuses_a_context_name_that_would_break_the_context_key()
    {
        var record = Record("d3", clicked: false) with { Context = new Dictionary<string, string> { ["a;b"] = "x" } };
        var line = JsonSerializer.Serialize(record, EvaluationJsonContext.Default.DecisionLogRecord);

        var error = Assert.Throws<FormatException>(() => DecisionLogReader.Read(new StringReader(line), "log.jsonl"));

        Assert.Contains("context feature 'a;b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_log_reader_keeps_the_features_behind_each_context_key_and_the_latest_time()
    {
        var line = JsonSerializer.Serialize(Record("d1", clicked: false), EvaluationJsonContext.Default.DecisionLogRecord);

        var log = DecisionLogReader.Read(new StringReader(line), "log.jsonl");

        Assert.Equal("family", log.ContextFeatures["segment=family;weather=rain"]["segment"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), log.LatestDecisionAt);
    }

    [Fact]
    public void Decision_log_reader_rejects_malformed_json_with_its_line()
    {
        var error = Assert.Throws<FormatException>(() => DecisionLogReader.Read(new StringReader("{\"decisionId\": 3"), "log.jsonl"));

        Assert.StartsWith("log.jsonl:1: not a decision record", error.Message, StringComparison.Ordinal);
    }

    internal static DecisionLogRecord Record(string id, bool clicked) => new()
    {
        DecisionId = id,
        DecidedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        CampaignId = "c1",
        Context = new Dictionary<string, string> { ["weather"] = "rain", ["segment"] = "family" },
        Slots = ["headline", "image"],
        AssetIds = ["h2", "i1"],
        Propensity = 0.125,
        PropensityStandardError = 0.01,
        PolicyName = "thompson",
        PolicyVersion = "1",
        Outcome = new DecisionOutcome(clicked, Converted: false, Value: 0),
    };
}
