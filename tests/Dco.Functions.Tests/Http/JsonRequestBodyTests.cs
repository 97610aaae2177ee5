using System.Text;
using System.Text.Json;
using Dco.Functions.Http;
using Dco.Functions.Http.Decide;
using Microsoft.AspNetCore.Http;

namespace Dco.Functions.Tests.Http;

public sealed class JsonRequestBodyTests
{
    private static HttpRequest RequestWith(string body, int chunk = int.MaxValue)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk);
        return context.Request;
    }

    private static ValueTask<DecideRequestBody?> Read(HttpRequest request, int maxBytes = 64 * 1024) =>
        JsonRequestBody.ReadAsync(request, DecideJsonContext.Default.DecideRequestBody, maxBytes, CancellationToken.None);

    private static string Body(int segments) => JsonSerializer.Serialize(new DecideRequestBody
    {
        CampaignId = "demo",
        ViewerId = "viewer-1",
        Consent = new ConsentBody { Advertising = true, Personalization = true },
        Context = new ContextBody { Geo = "NL-AMS", Attributes = new Dictionary<string, string> { ["k"] = "v" } },
        Segments = [.. Enumerable.Range(0, segments).Select(i => $"segment-{i}")],
    }, DecideJsonContext.Default.DecideRequestBody);

    [Theory]
    [InlineData(0, int.MaxValue)] // arrives whole
    [InlineData(0, 7)] // dribbles in: read again until complete
    [InlineData(900, int.MaxValue)] // ~13 KB: more than one pipe segment
    [InlineData(900, 1000)]
    public async Task Reads_the_body_as_the_serializer_does_however_it_arrives(int segments, int chunk)
    {
        var body = Body(segments);
        var expected = JsonSerializer.Deserialize(body, DecideJsonContext.Default.DecideRequestBody)!;

        var read = await Read(RequestWith(body, chunk));

        Assert.NotNull(read);
        Assert.Equal("demo", read.CampaignId);
        Assert.Equal(expected.Segments, read.Segments);
        Assert.Equal(expected.Consent, read.Consent);
        Assert.Equal("v", read.Context!.Attributes!["k"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"campaignId\":\"demo\"} {}")] // a second value after the first
    [InlineData("{\"campaignId\":\"demo\"}x")]
    [InlineData("{\"campaignId\":\"demo\"")]
    [InlineData("{\"consent\":{\"advertising\":\"yes\"}}")]
    public async Task Anything_but_one_JSON_value_of_the_shape_is_a_JSON_error_as_from_the_serializer(string body)
    {
        var expected = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(body, DecideJsonContext.Default.DecideRequestBody));

        var actual = await Assert.ThrowsAnyAsync<JsonException>(async () => await Read(RequestWith(body, chunk: 5)));

        Assert.Equal(expected.Path, actual.Path);
    }

    [Fact]
    public async Task A_JSON_null_is_null()
    {
        Assert.Null(await Read(RequestWith("null")));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(100)]
    public async Task A_body_longer_than_allowed_is_refused_without_a_content_length(int chunk)
    {
        var body = Body(200);

        var refused = await Assert.ThrowsAsync<RequestBodyTooLargeException>(async () => await Read(RequestWith(body, chunk), maxBytes: 1024));

        Assert.Equal(1024, refused.MaxBytes);
        Assert.NotNull(await Read(RequestWith(body, chunk), maxBytes: body.Length));
    }

    /// <summary>A request body that hands out at most <c>chunk</c> bytes per read, as a slow client's would arrive.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
