using Dco.Infrastructure.Cosmos;

namespace Dco.Infrastructure.Tests.Cosmos;

public sealed class DocumentQueryAndPatchTests
{
    [Fact]
    public void A_parameter_name_without_an_at_sign_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new DocumentQuery("SELECT * FROM c WHERE c.kind = @kind").WithParameter("kind", "click"));

        Assert.Contains("must start with '@'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_the_query_does_not_use_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new DocumentQuery("SELECT * FROM c").WithParameter("@kind", "click"));
    }

    [Fact]
    public void A_parameter_given_twice_is_refused()
    {
        var query = new DocumentQuery("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", "click");

        Assert.Throws<ArgumentException>(() => query.WithParameter("@kind", "view"));
    }

    [Fact]
    public void A_patch_path_that_is_not_a_json_pointer_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new DocumentPatch().Increment("count", 1));
    }

    [Fact]
    public void A_patch_holds_at_most_ten_operations()
    {
        var patch = new DocumentPatch();
        for (var i = 0; i < DocumentPatch.MaxOperations; i++)
        {
            patch.Increment($"/c{i}", 1);
        }

        Assert.Throws<InvalidOperationException>(() => patch.Increment("/one-too-many", 1));
    }

    [Fact]
    public async Task Find_across_partitions_refuses_a_field_path_that_could_inject_sql()
    {
        var store = new CosmosDocumentStore<TestEvent>(new Moq.Mock<Microsoft.Azure.Cosmos.Container>().Object, e => e.Id, e => e.CampaignId);

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.FindAcrossPartitionsAsync("userKey = 'x' OR 1=1 --", "v").ToListAsync());
    }

    [Fact]
    public async Task A_document_id_with_a_slash_is_refused_before_any_request()
    {
        var store = new CosmosDocumentStore<TestEvent>(new Moq.Mock<Microsoft.Azure.Cosmos.Container>(Moq.MockBehavior.Strict).Object, e => e.Id, e => e.CampaignId);

        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("a/b", "c"));
    }
}
