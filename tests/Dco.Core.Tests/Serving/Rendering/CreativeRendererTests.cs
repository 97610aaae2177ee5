using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CsCheck;
using Dco.Core.Serving.Rendering;

namespace Dco.Core.Tests.Serving.Rendering;

public sealed class CreativeRendererTests
{
    private const string Banner = """
        <div class="dco-300x250" data-variant="{{variant}}">
          <a href="{{click_url}}" target="_blank" rel="noopener">
            <img src="{{image.url}}" width="300" height="250" alt="{{image.alt}}">
            <h2>{{headline.text}}</h2>
            <span class='cta'>{{cta.text}}</span>
          </a>
          <img src="{{impression_url}}" width="1" height="1" alt="">
        </div>
        """;

    private static Dictionary<string, string?> Values() => new()
    {
        ["variant"] = "a",
        ["click_url"] = "https://dco.example/api/t/click?t=abc.def",
        ["image.url"] = "https://cdn.example/img/hero.webp",
        ["image.alt"] = "A red bicycle",
        ["headline.text"] = "Ride into spring",
        ["cta.text"] = "Shop now",
        ["impression_url"] = "https://dco.example/api/t/imp?t=abc.def",
    };

    private static CreativeTemplate Compile(string template)
    {
        var compilation = CreativeRenderer.Compile(template);
        Assert.True(compilation.IsSuccess, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        return compilation.Template!;
    }

    private static string Render(string template, Dictionary<string, string?> values)
    {
        var result = CreativeRenderer.Render(Compile(template), values);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.Html!;
    }

    [Fact]
    public void A_banner_template_renders_every_slot()
    {
        var html = Render(Banner, Values());

        Assert.Contains("<h2>Ride into spring</h2>", html, StringComparison.Ordinal);
        Assert.Contains("""<a href="https://dco.example/api/t/click?t=abc.def" """, html, StringComparison.Ordinal);
        Assert.Contains("""alt="A red bicycle">""", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholders_are_classified_by_where_they_sit()
    {
        var template = Compile(Banner + """<a href="https://shop.example/?q={{headline.text}}">x</a>""");

        Assert.Equal([PlaceholderContext.Text, PlaceholderContext.UrlComponent], template.ContextsOf("headline.text"));
        Assert.Equal([PlaceholderContext.Url], template.ContextsOf("click_url"));
        Assert.Equal([PlaceholderContext.Attribute], template.ContextsOf("image.alt"));
        Assert.Equal(["variant", "click_url", "image.url", "image.alt", "headline.text", "cta.text", "impression_url"], template.Placeholders);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("</h2><svg onload=alert(1)>")]
    [InlineData("&lt;script&gt;")]
    public void Text_values_cannot_open_tags(string payload)
    {
        var values = Values();
        values["headline.text"] = payload;

        var html = Render(Banner, values);

        Assert.DoesNotContain(payload, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("\" onmouseover=\"alert(1)")]
    [InlineData("' onmouseover='alert(1)")]
    [InlineData("\"><script>alert(1)</script>")]
    public void Attribute_values_cannot_break_out_of_either_quote(string payload)
    {
        var values = Values();
        values["image.alt"] = payload;
        values["cta.text"] = payload;

        var html = Render(Banner, values);

        Assert.DoesNotContain("onmouseover=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover='", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)", "'javascript' scheme")]
    [InlineData("JaVaScRiPt:alert(1)", "'javascript' scheme")]
    [InlineData(" javascript:alert(1)", "whitespace")]
    [InlineData("java\tscript:alert(1)", "whitespace")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "'data' scheme")]
    [InlineData("vbscript:msgbox(1)", "'vbscript' scheme")]
    [InlineData("//evil.example/x", "not an absolute URL")]
    [InlineData("/relative", "not an absolute URL")]
    [InlineData("\\\\server\\share", "not an absolute URL")]
    [InlineData("file:///etc/passwd", "'file' scheme")]
    [InlineData("https://user:pass@evil.example/", "credentials")]
    [InlineData("", "empty")]
    public void Unsafe_urls_are_refused_with_the_reason(string url, string reason)
    {
        var values = Values();
        values["click_url"] = url;

        var result = CreativeRenderer.Render(Compile(Banner), values);

        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal("click_url", error.Placeholder);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_keep_their_query_and_have_ampersands_encoded_for_the_attribute()
    {
        var values = Values();
        values["click_url"] = "https://dco.example/c?a=1&b=\"2\"";

        Assert.Contains("""href="https://dco.example/c?a=1&amp;b=&quot;2&quot;" """, Render(Banner, values), StringComparison.Ordinal);
    }

    [Fact]
    public void Values_in_the_middle_of_a_url_are_percent_encoded()
    {
        var html = Render("""<a href="https://shop.example/s?q={{q}}">go</a>""", new() { ["q"] = "a&b=\"c\" d" });

        Assert.Equal("""<a href="https://shop.example/s?q=a%26b%3D%22c%22%20d">go</a>""", html);
    }

    [Fact]
    public void Non_ascii_text_stays_readable()
    {
        Assert.Equal("<p>Grüße – 春</p>", Render("<p>{{t}}</p>", new() { ["t"] = "Grüße – 春" }));
    }

    [Fact]
    public void Values_are_never_interpreted_as_placeholders()
    {
        Assert.Equal("<p>{{secret}}</p>", Render("<p>{{t}}</p>", new() { ["t"] = "{{secret}}", ["secret"] = "leak" }));
    }

    [Fact]
    public void A_missing_value_is_an_error_naming_the_placeholder()
    {
        var values = Values();
        values.Remove("cta.text");
        values["headline.text"] = null;

        var result = CreativeRenderer.Render(Compile(Banner), values);

        Assert.Equal(["headline.text", "cta.text"], result.Errors.Select(e => e.Placeholder));
    }

    [Theory]
    [InlineData("<script>var x = '{{t}}';</script>", "inside <script>")]
    [InlineData("<style>.a{color:{{t}}}</style>", "inside <style>")]
    [InlineData("<!-- {{t}} -->", "comment")]
    [InlineData("<a onclick=\"go('{{t}}')\">x</a>", "'onclick' attribute")]
    [InlineData("<div style=\"color: {{t}}\">x</div>", "'style' attribute")]
    [InlineData("<img srcset=\"{{t}} 2x\">", "'srcset' attribute")]
    [InlineData("<a href={{t}}>x</a>", "unquoted attribute")]
    [InlineData("<script src=\"{{t}}\"></script>", "attribute of <script>")]
    [InlineData("<base href=\"{{t}}\">", "attribute of <base>")]
    [InlineData("<object data=\"{{t}}\"></object>", "attribute of <object>")]
    [InlineData("<{{t}}>x</a>", "tag syntax")]
    [InlineData("<div {{t}}>x</div>", "tag syntax")]
    [InlineData("<p>{{t}</p>", "never closed")]
    [InlineData("<p>{{ t x }}</p>", "not a placeholder name")]
    [InlineData("<p>{{}}</p>", "not a placeholder name")]
    [InlineData("<p class=\"a", "ends inside")]
    [InlineData("<script>x", "never closed")]
    public void Unsafe_or_broken_templates_are_refused_at_compile_time(string template, string reason)
    {
        var compilation = CreativeRenderer.Compile(template);

        Assert.False(compilation.IsSuccess);
        Assert.Contains(compilation.Errors, e => e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Placeholders_after_a_closed_script_or_comment_are_text_again()
    {
        var template = Compile("<script>var a = 1 < 2;</script ><!-- note --><p>{{t}}</p><style>p{}</STYLE><b>{{t}}</b>");

        Assert.Equal([PlaceholderContext.Text, PlaceholderContext.Text], template.ContextsOf("t"));
    }

    [Fact]
    public void A_lone_less_than_sign_in_text_does_not_start_a_tag()
    {
        Assert.Equal("<p>1 < 2 and a&lt;b</p>", Render("<p>1 < 2 and {{t}}</p>", new() { ["t"] = "a<b" }));
    }

    [Fact]
    public void Random_text_values_never_produce_markup()
    {
        var template = Compile("<p title=\"{{t}}\">{{t}}</p>");
        Gen.String[Gen.Char["<>\"'&=/ abcjavascript:{}"], 0, 40]
            .Sample(value =>
            {
                var html = CreativeRenderer.Render(template, new Dictionary<string, string?> { ["t"] = value }).Html!;
                var inner = html["<p title=\"".Length..^"</p>".Length];
                return !inner.Contains('<', StringComparison.Ordinal) && inner.Count(c => c == '"') == 1 && !inner.Contains('\'', StringComparison.Ordinal);
            }, iter: 2_000);
    }

    [Theory]
    [InlineData("https://cdn.dco.example/demo/sku-umbrella.jpg")]
    [InlineData("http://127.0.0.1:7391/api/t/c?t=AQIAAAAAaxT4l64jLYLL_-ZKgq.V5zUQxqnXESVFwEG")]
    [InlineData("https://shop.example/p/sku-poncho?utm_source=dco&utm_medium=display#top")]
    [InlineData("https://a-b.example:8443")]
    public void Plain_urls_are_recognised_without_parsing(string url)
    {
        Assert.True(CreativeRenderer.IsPlainHttpUrl(url));
        Assert.Null(CreativeRenderer.CheckUrl(url));
    }

    [Fact]
    public void Every_url_recognised_without_parsing_passes_the_parser_and_the_check_agrees_with_it()
    {
        var scheme = Gen.OneOfConst("http://", "https://", "HTTPS://", "ftp://", "javascript:", "https:/", "");
        var label = Gen.String[Gen.Char["abz09-_A."], 0, 6];
        var host = Gen.OneOf(label.Array[1, 4].Select(parts => string.Join('.', parts)), Gen.Int[0, 300].Array[4].Select(n => string.Join('.', n)),
            Gen.OneOfConst("user:pw@example.com", "[::1]", "example.com.", "1.2.3", "01.2.3.4", "xn--bcher-kva.example"));
        var port = Gen.OneOf(Gen.Const(""), Gen.Int[0, 99999].Select(p => ":" + p), Gen.Const(":"));
        var tail = Gen.String[Gen.Char["az09/?#&=%._~!$'()*+,;:@-\\\" <>{}|^`\u00e9\t"], 0, 20];
        Gen.Select(scheme, host, port, tail)
            .Sample((s, h, p, t) =>
            {
                var url = s + h + p + t;
                var parsed = CreativeRenderer.CheckUrlByParsing(url);
                return (!CreativeRenderer.IsPlainHttpUrl(url) || parsed is null) && CreativeRenderer.CheckUrl(url) == parsed;
            }, iter: 20_000);
    }
    public static TheoryData<string> Encoders => ["relaxed", "default", "latin"];

    private static JavaScriptEncoder EncoderNamed(string name) => name switch
    {
        "relaxed" => JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        "default" => JavaScriptEncoder.Default,
        _ => JavaScriptEncoder.Create(UnicodeRanges.BasicLatin),
    };

    /// <summary>What a JSON writer escaping with <paramref name="encoder"/> writes for the HTML <see cref="CreativeRenderer.Render"/> makes.</summary>
    private static string WrittenByJsonWriter(CreativeTemplate template, Dictionary<string, string?> values, JavaScriptEncoder encoder)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStringValue(CreativeRenderer.Render(template, values).Html);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string RenderedAsJsonString(CreativeTemplate template, Dictionary<string, string?> values, JavaScriptEncoder encoder)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Null(CreativeRenderer.RenderJsonStringInto(template, new DictionaryValues(values), encoder, buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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

    /// <summary>Values held as UTF-8 as well (as decide's tracking URLs are); records which ones the renderer asked for as strings.</summary>
    private sealed class Utf8Values(Dictionary<string, string?> values) : IPlaceholderValues
    {
        public List<string> StringsAskedFor { get; } = [];

        public bool TryGetValue(string name, out string? value)
        {
            StringsAskedFor.Add(name);
            return values.TryGetValue(name, out value);
        }

        public bool TryGetUtf8(string name, out ReadOnlySpan<byte> value)
        {
            value = values.TryGetValue(name, out var text) && text is not null ? Encoding.UTF8.GetBytes(text) : default;
            return values.ContainsKey(name);
        }
    }

    // Quotes, a backslash, control characters, markup, non-ASCII letters, an emoji (a surrogate pair), a line separator.
    private const string Awkward = "\"Rain\" \\ & <shine>\u0001\t Ünïcödé ☔ 🌂\u2028deals";

    [Theory]
    [MemberData(nameof(Encoders))]
    public void The_creative_as_a_JSON_string_is_what_a_JSON_writer_makes_of_its_HTML(string encoderName)
    {
        var encoder = EncoderNamed(encoderName);
        var template = Compile("<!-- \"ünï\" \\ \u2028 🌂 -->\n" + Banner + "<p>\"Tab\"\there ☔ & \u0001 {{headline.text}}</p>");
        var values = Values();
        values["headline.text"] = Awkward;
        values["image.alt"] = Awkward;
        values["variant"] = "\u2029🌂\\";

        var json = RenderedAsJsonString(template, values, encoder);

        Assert.Equal(WrittenByJsonWriter(template, values, encoder), json);
        Assert.Equal(CreativeRenderer.Render(template, values).Html, JsonSerializer.Deserialize<string>(json));
    }

    [Fact]
    public void The_creative_as_a_JSON_string_fails_as_the_HTML_render_fails()
    {
        var template = Compile(Banner);
        var values = Values();
        values["click_url"] = "javascript:alert(1)";
        values.Remove("cta.text");

        var errors = CreativeRenderer.RenderJsonStringInto(template, new DictionaryValues(values), JavaScriptEncoder.Default, new ArrayBufferWriter<byte>());

        Assert.Equal(CreativeRenderer.Render(template, values).Errors, errors);
    }

    [Fact]
    public void Values_given_as_utf8_render_as_the_same_values_given_as_strings_in_every_place_and_every_encoding()
    {
        // Plain URLs (taken as they are), URLs the plain shape or the encoders refuse, text with markup, non-ASCII, empty.
        var url = Gen.Select(
            Gen.OneOfConst("https://", "http://", "HTTPS://", "javascript:", ""),
            Gen.OneOfConst("t.example", "127.0.0.1:7391", "ex ample.com", "user:pw@x.example", "bücher.example"),
            Gen.String[Gen.Char["az09/?#&=%._~-+\\\"'<> \u00e9\u2028"], 0, 24],
            (scheme, host, rest) => scheme + host + rest);
        var value = Gen.OneOf(url, Gen.String[Gen.Char["<>\"'&=/ ab\u0001\u00e9\u2028"], 0, 16], Gen.Const(""));
        var template = Compile("<a href=\"{{u}}\" title=\"{{u}}\"><img src=\"https://cdn.example/x?q={{u}}\" alt=\"\">{{u}}</a>");
        Gen.Select(value, Gen.OneOfConst("relaxed", "default", "latin")).Sample((u, encoderName) =>
        {
            var encoder = EncoderNamed(encoderName);
            var strings = new Dictionary<string, string?> { ["u"] = u };
            var asStrings = CreativeRenderer.Render(template, new DictionaryValues(strings));
            var asUtf8 = CreativeRenderer.Render(template, new Utf8Values(strings));
            Assert.Equal(asStrings.Html, asUtf8.Html);
            Assert.Equal(asStrings.Errors.Select(e => e.Message), asUtf8.Errors.Select(e => e.Message));

            var jsonStrings = new ArrayBufferWriter<byte>();
            var jsonUtf8 = new ArrayBufferWriter<byte>();
            var errorsStrings = CreativeRenderer.RenderJsonStringInto(template, new DictionaryValues(strings), encoder, jsonStrings);
            var errorsUtf8 = CreativeRenderer.RenderJsonStringInto(template, new Utf8Values(strings), encoder, jsonUtf8);
            Assert.Equal(errorsStrings is null, errorsUtf8 is null);
            if (errorsStrings is null)
            {
                Assert.Equal(Encoding.UTF8.GetString(jsonStrings.WrittenSpan), Encoding.UTF8.GetString(jsonUtf8.WrittenSpan));
            }
        }, iter: 3_000);
    }

    [Fact]
    public void A_plain_url_given_as_utf8_is_taken_as_it_is()
    {
        var template = Compile("<a href=\"{{u}}\">{{u}}</a>");
        var values = new Utf8Values(new Dictionary<string, string?> { ["u"] = "https://t.example/api/t/c?t=AwJr-_x.Yz" });

        Assert.Equal("<a href=\"https://t.example/api/t/c?t=AwJr-_x.Yz\">https://t.example/api/t/c?t=AwJr-_x.Yz</a>", CreativeRenderer.Render(template, values).Html);
        Assert.Empty(values.StringsAskedFor);

        var refused = new Utf8Values(new Dictionary<string, string?> { ["u"] = "javascript:alert(1)" });
        Assert.False(CreativeRenderer.Render(template, refused).IsSuccess);
        Assert.Contains("u", refused.StringsAskedFor);
    }

    [Fact]
    public void Any_creative_as_a_JSON_string_is_what_a_JSON_writer_makes_of_its_HTML()
    {
        // No '<' in the literal text, so that every generated template compiles; the values may hold anything.
        var text = Gen.String[Gen.Char["\"'\\&=/ ab\u0000\u0001\n\u007f\u00e9\u2028\u2603}"], 0, 12];
        var value = Gen.OneOf(Gen.String[Gen.Char["<>\"'\\&=/ ab\u0000\u0001\n\u007f\u00e9\u2028\u2603{}"], 0, 20], Gen.String);
        Gen.Select(text, text, value, value, Gen.OneOfConst("relaxed", "default", "latin"))
            .Sample((before, between, t, u, encoderName) =>
            {
                var template = Compile(before + "<p title=\"{{t}}\">" + between + "{{u}}</p>" + before);
                var values = new Dictionary<string, string?> { ["t"] = t, ["u"] = u };
                var encoder = EncoderNamed(encoderName);
                return RenderedAsJsonString(template, values, encoder) == WrittenByJsonWriter(template, values, encoder);
            }, iter: 2_000);
    }
}
