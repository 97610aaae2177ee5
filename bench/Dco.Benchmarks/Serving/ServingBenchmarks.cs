using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dco.Core.Serving.OpenRtb;
using Dco.Core.Serving.Privacy;
using Dco.Core.Serving.Rendering;
using Dco.Core.Serving.Tracking;

namespace Dco.Benchmarks.Serving;

/// <summary>
/// The serve-time building blocks decide calls per request. Run:
/// <c>dotnet run -c Release --project bench/Dco.Benchmarks -- --filter '*ServingBenchmarks*' --job short</c>
/// On the shared build machines absolute times drift with load; read the Ratio column (to one HMAC).
/// </summary>
[MemoryDiagnoser]
public class ServingBenchmarks
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    // Purposes 1-4 and 7 for vendors 755 and 1234 (range-encoded), as encoded by @iabgpp/cmpapi.
    private const string TcString = "CQdaBh4QdaBh4EsAAAENCMFgAPIAAAAAAAAAJpQAgF5gTSAAAAAA";
    private const string Gpp = "DBACPeA~CQdaBh4QdaBh4EsAAAENCMFgAPIAAAAAAAAAJpQAgF5gTSAAAAAA.IAAA.YAAAAAAAAAAA~1YNN~CAAqAAAAAABA.QA";

    private readonly Dictionary<string, string?> headers = new() { ["Accept"] = "image/avif,image/webp,*/*", ["Sec-Fetch-Dest"] = "image" };
    private readonly Dictionary<string, string?> values = new()
    {
        ["click_url"] = "https://dco.example/api/t/click?t=AQIAAAAAaUzjgAAAAAAAAAAAAms",
        ["image.url"] = "https://cdn.example/img/hero.webp",
        ["image.alt"] = "A red bicycle & a \"blue\" helmet",
        ["headline.text"] = "Ride into spring <now>",
        ["cta.text"] = "Shop now",
        ["impression_url"] = "https://dco.example/api/t/imp?t=AQIAAAAAaUzjgAAAAAAAAAAAAms",
    };

    private static readonly byte[] BidRequestJson = """
        {"id":"req-1","imp":[{"id":"1","banner":{"w":300,"h":250,"pos":1},"bidfloor":0.5,"bidfloorcur":"USD","secure":1}],
         "site":{"id":"s1","domain":"news.example","page":"https://news.example/a","cat":["IAB12"],"publisher":{"id":"p1"}},
         "device":{"ua":"Mozilla/5.0","ip":"192.0.2.1","devicetype":2,"geo":{"country":"USA"}},"user":{"id":"u1"},
         "at":1,"tmax":120,"cur":["USD"],"regs":{"coppa":0,"gdpr":0,"us_privacy":"1YNN"}}
        """u8.ToArray();

    private RegulationGate gate = null!;
    private TrackingTokenSigner signer = null!;
    private ViewerPseudonymizer pseudonymizer = null!;
    private TrafficClassifier classifier = null!;
    private ConsentEvaluator consent = null!;
    private CreativeTemplate template = null!;
    private TrackingToken token = null!;
    private string signed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ring = new SigningKeyRing([new SigningKey("k1", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())], "k1");
        signer = new TrackingTokenSigner(ring, TimeProvider.System);
        pseudonymizer = new ViewerPseudonymizer(ring);
        classifier = new TrafficClassifier();
        consent = new ConsentEvaluator(new ConsentPolicy(755));
        gate = new RegulationGate(consent);
        token = new TrackingToken(TrackingEventKind.Click, "0193a6f2-7c1e-7d3a-9a51-2f6e1b9c4d10", "camp-spring-2027", null, "asset-headline-3", DateTimeOffset.UtcNow.AddHours(1));
        signed = signer.Sign(token);
        template = CreativeRenderer.Compile("""
            <div class="dco-300x250"><a href="{{click_url}}" target="_blank" rel="noopener">
            <img src="{{image.url}}" width="300" height="250" alt="{{image.alt}}"><h2>{{headline.text}}</h2>
            <span class="cta">{{cta.text}}</span></a><img src="{{impression_url}}" width="1" height="1" alt=""></div>
            """).Template!;
    }

    private readonly byte[] key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private readonly byte[] message = new byte[64];
    private readonly byte[] mac = new byte[32];

    /// <summary>One HMAC-SHA256 over 64 bytes: the primitive every token and pseudonym costs at least once. Ratios to it survive machine load better than absolute figures.</summary>
    [Benchmark(Baseline = true)]
    public int HmacSha256Baseline() => System.Security.Cryptography.HMACSHA256.HashData(key, message, mac);

    [Benchmark]
    public string SignToken() => signer.Sign(token);

    [Benchmark]
    public TrackingTokenVerification VerifyToken() => signer.Verify(signed, TrackingEventKind.Click);

    [Benchmark]
    public TrackingTokenVerification VerifyForgedToken() => signer.Verify(signed[..^2] + "AA", TrackingEventKind.Click);

    [Benchmark]
    public string Pseudonymize() => pseudonymizer.Pseudonymize("3f0c2b7e-viewer-cookie-value-1234567890");

    [Benchmark]
    public TrafficClassification ClassifyBrowser() => classifier.Classify(Chrome, headers);

    [Benchmark]
    public string ClickEventId() => EventIds.Click("0193a6f2-7c1e-7d3a-9a51-2f6e1b9c4d10", "asset-headline-3");

    [Benchmark]
    public ConsentEvaluation EvaluateTcf() => consent.Evaluate(new ConsentSignals { GdprApplies = true, TcfString = TcString });

    [Benchmark]
    public ConsentEvaluation EvaluateGppWithThreeSections() => consent.Evaluate(new ConsentSignals { GppString = Gpp });

    [Benchmark]
    public RegulationDecision ParseValidateAndGateBidRequest()
    {
        OpenRtbJson.TryParseRequest(BidRequestJson, out var request, out _);
        OpenRtbValidator.ValidateRequest(request!);
        return gate.Evaluate(request!);
    }

    [Benchmark]
    public CreativeRenderResult RenderBanner() => CreativeRenderer.Render(template, values);

    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private readonly ArrayBufferWriter<byte> json = new(8 * 1024);
    private Utf8JsonWriter? jsonWriter;

    /// <summary>The banner as a JSON string the way decide wrote it before: rendered to HTML, then every character escaped by the JSON writer.</summary>
    [Benchmark]
    public int RenderBannerThenEscapeForJson()
    {
        json.ResetWrittenCount();
        jsonWriter ??= new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = Relaxed, SkipValidation = true });
        jsonWriter.Reset(json);
        jsonWriter.WriteStringValue(CreativeRenderer.Render(template, values).Html);
        jsonWriter.Flush();
        return json.WrittenCount;
    }

    /// <summary>The same JSON string as decide writes it now: the template's literal HTML escaped once, the values per render.</summary>
    [Benchmark]
    public int RenderBannerAsJsonString()
    {
        json.ResetWrittenCount();
        CreativeRenderer.RenderJsonStringInto(template, new DictionaryValues(values), Relaxed, json);
        return json.WrittenCount;
    }

    private readonly struct DictionaryValues(Dictionary<string, string?> values) : IPlaceholderValues
    {
        public bool TryGetValue(string name, out string? value) => values.TryGetValue(name, out value);

        public bool TryGetUtf8(string name, out ReadOnlySpan<byte> value)
        {
            value = default;
            return false;
        }
    }
}
