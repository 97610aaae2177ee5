using System.Text;
using Dco.Infrastructure.Cosmos;

namespace Dco.Infrastructure.Tests.Cosmos;

public sealed class SystemTextJsonCosmosSerializerTests
{
    private readonly SystemTextJsonCosmosSerializer serializer = new([TestDocumentsJsonContext.Default]);

    [Fact]
    public void Documents_are_written_in_camel_case_without_null_properties()
    {
        var json = Write(new TestEvent("e1", "c1", "click", 2));

        Assert.Equal("""{"id":"e1","campaignId":"c1","kind":"click","count":2}""", json);
    }

    [Fact]
    public void The_ttl_property_keeps_its_cosmos_name()
    {
        var json = Write(new TestEvent("e1", "c1", "click") { TimeToLive = 60 });

        Assert.EndsWith("\"ttl\":60}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_read_back_equals_the_one_written()
    {
        var item = new TestEvent("e1", "c1", "click", 2, "v1", "n") { TimeToLive = 5 };

        var read = serializer.FromStream<TestEvent>(serializer.ToStream(item));

        Assert.Equal(item, read);
    }

    [Fact]
    public void An_array_of_a_registered_type_is_read_without_its_own_metadata()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("""[{"id":"a","campaignId":"c","kind":"k"},{"id":"b","campaignId":"c","kind":"k"}]"""));

        var items = serializer.FromStream<TestEvent[]>(stream);

        Assert.Equal(["a", "b"], items.Select(i => i.Id));
    }

    [Fact]
    public void Query_parameter_values_of_common_types_serialize()
    {
        Assert.Equal(["\"x\"", "42", "true"], new object[] { "x", 42L, true }.Select(v => Write(v)));
    }

    [Fact]
    public void A_type_without_metadata_fails_naming_the_type_and_the_fix()
    {
        var error = Assert.Throws<NotSupportedException>(() => serializer.ToStream(new Unregistered("x")));

        Assert.Contains("Unregistered", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddCosmosJsonContext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_is_handed_through_untouched()
    {
        var stream = new MemoryStream([1, 2, 3]);

        Assert.Same(stream, serializer.FromStream<Stream>(stream));
    }

    private string Write<T>(T value)
    {
        using var reader = new StreamReader(serializer.ToStream(value));
        return reader.ReadToEnd();
    }

    private sealed record Unregistered(string Value);
}
