using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Dco.Core.Serving.Rendering;

/// <summary>Compiled template or the errors that stopped compilation.</summary>
public sealed record TemplateCompilation(CreativeTemplate? Template, IReadOnlyList<TemplateError> Errors)
{
    public bool IsSuccess => Template is not null;
}

/// <summary>Rendered HTML or the errors (missing values, refused URLs) that stopped rendering.</summary>
public sealed record CreativeRenderResult(string? Html, IReadOnlyList<TemplateError> Errors)
{
    public bool IsSuccess => Html is not null;
}

/// <summary>
/// Renders a campaign's creative template with <c>{{name}}</c> placeholders (names of letters, digits,
/// '_', '-', '.', e.g. <c>{{headline.text}}</c>, <c>{{image.url}}</c>, <c>{{click_url}}</c>).
/// </summary>
/// <remarks>
/// Compilation walks the template with a small HTML tokenizer and fixes each placeholder's context:
/// element text and quoted attribute values are HTML-encoded; at the start of a URL attribute (href, src,
/// action, …) the value must be an absolute http(s) URL with no whitespace or control characters
/// (javascript:, data:, vbscript: and relative URLs are refused); later in a URL attribute it is
/// percent-encoded. Placeholders inside script/style, comments, event-handler (on*) or style/srcdoc/srcset
/// attributes, any attribute of script/object/embed/base/link/meta, unquoted attribute values or tag
/// syntax are template errors: no escaping makes those safe.
/// Values are never interpreted as template syntax.
/// </remarks>
public sealed class CreativeRenderer
{
    /// <summary>Longest template accepted.</summary>
    public const int MaximumTemplateLength = 256 * 1024;

    // Keeps non-ASCII text readable while still encoding every HTML-significant character.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly UrlEncoder Url = UrlEncoder.Create(UnicodeRanges.All);

    private static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "href", "src", "action", "formaction", "poster", "background", "cite", "data", "codebase",
        "longdesc", "usemap", "xlink:href", "manifest", "ping", "icon", "dynsrc", "lowsrc",
    };

    // Elements whose attributes load code or change how the whole page resolves URLs.
    private static readonly HashSet<string> ForbiddenElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "object", "embed", "applet", "base", "link", "meta", "style",
    };

    private static readonly HashSet<string> ForbiddenAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "style", "srcdoc", "srcset", "imagesrcset", "content", "http-equiv",
    };

    public static TemplateCompilation Compile(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Length > MaximumTemplateLength)
        {
            return new(null, [new TemplateError(null, 0, $"The template is longer than {MaximumTemplateLength} characters.")]);
        }

        return new TemplateCompiler(template).Compile();
    }

    /// <summary>Renders <paramref name="template"/>; every placeholder needs a value (empty is fine except for a URL).</summary>
    public static CreativeRenderResult Render(CreativeTemplate template, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Render(template, new DictionaryValues(values));
    }

    /// <summary>
    /// Renders <paramref name="template"/> with values looked up by placeholder name: for the serving hot
    /// path, which answers from the decision it has rather than building a dictionary per render.
    /// </summary>
    public static CreativeRenderResult Render<TValues>(CreativeTemplate template, TValues values)
        where TValues : IPlaceholderValues
    {
        ArgumentNullException.ThrowIfNull(template);
        var html = RentBuilder(template.LiteralLength + 256);
        var errors = RenderInto(template, values, html);
        var result = errors is null ? new CreativeRenderResult(html.ToString(), []) : new CreativeRenderResult(null, errors);
        ReturnBuilder(html);
        return result;
    }

    /// <summary>
    /// Appends the rendered <paramref name="template"/> to <paramref name="utf8"/> as a JSON string, quotes
    /// included: the bytes a <c>Utf8JsonWriter</c> escaping with <paramref name="encoder"/> writes for the HTML
    /// <see cref="Render"/> makes. For decide, which puts the creative into its JSON response: the template's
    /// literal HTML is escaped once per template and encoder (<see cref="CreativeTemplate"/> keeps it), so a
    /// render escapes only its values.
    /// </summary>
    /// <returns>Null when every placeholder had a valid value; otherwise the errors, and what was appended is not a creative.</returns>
    public static List<TemplateError>? RenderJsonStringInto<TValues>(CreativeTemplate template, TValues values, JavaScriptEncoder encoder, IBufferWriter<byte> utf8)
        where TValues : IPlaceholderValues
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(utf8);
        utf8.Write("\""u8);
        var errors = RenderCore(template, values, new JsonStringSink(template.JsonLiteralsFor(encoder), encoder, utf8));
        utf8.Write("\""u8);
        return errors;
    }

    private static List<TemplateError>? RenderInto<TValues>(CreativeTemplate template, TValues values, StringBuilder html)
        where TValues : IPlaceholderValues =>
        RenderCore(template, values, new HtmlSink(html));

    private static List<TemplateError>? RenderCore<TValues, TSink>(CreativeTemplate template, TValues values, TSink sink)
        where TValues : IPlaceholderValues
        where TSink : IRenderSink
    {
        List<TemplateError>? errors = null;
        var segments = template.Segments;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Placeholder is not { } name)
            {
                sink.Literal(i, segment.Literal!);
                continue;
            }

            if (segment.Context != PlaceholderContext.UrlComponent && values.TryGetUtf8(name, out var utf8)
                && IsVerbatim(segment.Context, utf8) && sink.TryVerbatim(utf8))
            {
                continue;
            }

            if (!values.TryGetValue(name, out var value) || value is null)
            {
                (errors ??= []).Add(new TemplateError(name, -1, $"No value for {{{{{name}}}}}."));
                continue;
            }

            if (Encode(segment.Context, value, out var encoded) is { } problem)
            {
                (errors ??= []).Add(new TemplateError(name, -1, $"{{{{{name}}}}} {problem}"));
                continue;
            }

            sink.Value(encoded);
        }

        return errors;
    }

    // Longest UTF-8 value rendered as it is (its characters are checked on the stack); longer ones take the string path.
    private const int MaximumVerbatimBytes = 2048;

    /// <summary>
    /// Whether a UTF-8 value renders unchanged in <paramref name="context"/>: in text or an attribute when the HTML
    /// encoder changes nothing in it; at the start of a URL attribute when it is also a plain http(s) URL
    /// (<see cref="IsPlainHttpUrl"/>: every other URL goes through the string path and its full check).
    /// </summary>
    private static bool IsVerbatim(PlaceholderContext context, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Length > MaximumVerbatimBytes || Html.FindFirstCharacterToEncodeUtf8(utf8) >= 0)
        {
            return false;
        }

        if (context is PlaceholderContext.Text or PlaceholderContext.Attribute)
        {
            return true;
        }

        if (context != PlaceholderContext.Url)
        {
            return false;
        }

        Span<char> chars = stackalloc char[utf8.Length];
        return Encoding.UTF8.TryGetChars(utf8, chars, out var written) && IsPlainHttpUrl(chars[..written]);
    }

    /// <summary>Where a render's literal HTML and encoded values go.</summary>
    private interface IRenderSink
    {
        void Literal(int segment, string literal);

        void Value(string encoded);

        /// <summary>Appends an HTML-encoded value given as UTF-8 (<see cref="IsVerbatim"/>); false, appending nothing, when it cannot be taken as it is.</summary>
        bool TryVerbatim(ReadOnlySpan<byte> utf8);
    }

    private readonly struct HtmlSink(StringBuilder html) : IRenderSink
    {
        public void Literal(int segment, string literal) => html.Append(literal);

        public void Value(string encoded) => html.Append(encoded);

        public bool TryVerbatim(ReadOnlySpan<byte> utf8)
        {
            Span<char> chars = stackalloc char[utf8.Length];
            if (!Encoding.UTF8.TryGetChars(utf8, chars, out var written))
            {
                return false;
            }

            html.Append(chars[..written]);
            return true;
        }
    }

    /// <summary>The render as JSON string content: literals escaped already (per segment index), values escaped here.</summary>
    private readonly struct JsonStringSink(byte[]?[] literals, JavaScriptEncoder encoder, IBufferWriter<byte> utf8) : IRenderSink
    {
        public void Literal(int segment, string literal) => utf8.Write(literals[segment]!);

        public void Value(string encoded)
        {
            // Encode returns its argument when nothing needs escaping, as HTML-encoded values mostly are.
            var escaped = encoder.Encode(encoded);
            var destination = utf8.GetSpan(Encoding.UTF8.GetMaxByteCount(escaped.Length));
            utf8.Advance(Encoding.UTF8.GetBytes(escaped, destination));
        }

        public bool TryVerbatim(ReadOnlySpan<byte> value)
        {
            // As it is only when the JSON encoder escapes nothing in it either; else the string path escapes it.
            if (encoder.FindFirstCharacterToEncodeUtf8(value) >= 0)
            {
                return false;
            }

            utf8.Write(value);
            return true;
        }
    }

    // One builder per thread, reused: a creative is a few KB, and a fresh builder per render costs its
    // buffers on every render. Renders do not nest, and a builder grown past KeptBuilderCapacity is dropped.
    private const int KeptBuilderCapacity = 32 * 1024;

    [ThreadStatic]
    private static StringBuilder? cachedBuilder;

    private static StringBuilder RentBuilder(int capacity)
    {
        var builder = cachedBuilder;
        if (builder is null)
        {
            return new StringBuilder(capacity);
        }

        cachedBuilder = null;
        builder.Clear();
        builder.EnsureCapacity(capacity);
        return builder;
    }

    private static void ReturnBuilder(StringBuilder builder)
    {
        if (builder.Capacity <= KeptBuilderCapacity)
        {
            cachedBuilder = builder;
        }
    }

    private readonly struct DictionaryValues(IReadOnlyDictionary<string, string?> values) : IPlaceholderValues
    {
        public bool TryGetValue(string name, out string? value) => values.TryGetValue(name, out value);

        public bool TryGetUtf8(string name, out ReadOnlySpan<byte> value)
        {
            value = default;
            return false;
        }
    }

    /// <summary><paramref name="value"/> escaped for <paramref name="context"/>; returns why it was refused instead (and <paramref name="encoded"/> is empty).</summary>
    private static string? Encode(PlaceholderContext context, string value, out string encoded)
    {
        encoded = "";
        switch (context)
        {
            case PlaceholderContext.Text:
            case PlaceholderContext.Attribute:
                encoded = Html.Encode(value);
                return null;
            case PlaceholderContext.UrlComponent:
                encoded = Url.Encode(value);
                return null;
            default: // PlaceholderContext.Url, and the strictest check for anything added later
                if (CheckUrl(value) is { } problem)
                {
                    return problem;
                }

                encoded = Html.Encode(value);
                return null;
        }
    }

    /// <summary>Null when <paramref name="value"/> is an absolute http(s) URL safe to put in an attribute; otherwise why not.</summary>
    public static string? CheckUrl(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsPlainHttpUrl(value) ? null : CheckUrlByParsing(value);
    }

    /// <summary><see cref="CheckUrl"/> by parsing with <see cref="Uri"/>: the definition, for any input.</summary>
    internal static string? CheckUrlByParsing(string value)
    {
        if (value.Length == 0)
        {
            return "is empty; a URL is required.";
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c == '\u007f' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "contains whitespace or control characters; percent-encode them.";
            }
        }

        // On Unix, Uri reads "/x" and "//host/x" as absolute file paths: refuse them as relative first.
        if (value[0] is '/' or '\\' || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return "is not an absolute URL.";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"uses the '{uri.Scheme}' scheme; only http and https are allowed.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "carries credentials (user:password@), which are not allowed.";
        }

        return null;
    }

    /// <summary>
    /// True for the plain shape most URLs have, recognised without parsing; every such URL passes
    /// <see cref="CheckUrlByParsing"/> (a property test holds the two together). The shape: lowercase
    /// <c>http://</c> or <c>https://</c>; a host that is dot-separated labels of lowercase letters, digits
    /// and inner '-' whose last label starts with a letter, or a dotted IPv4 address; an optional port up
    /// to 65535; then nothing, or '/', '?' or '#' followed by URL characters only ('%' only before two hex
    /// digits). Anything else (credentials, IPv6, upper case, unusual characters) goes to the parser.
    /// </summary>
    internal static bool IsPlainHttpUrl(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<char> rest;
        if (value.StartsWith("https://", StringComparison.Ordinal))
        {
            rest = value[8..];
        }
        else if (value.StartsWith("http://", StringComparison.Ordinal))
        {
            rest = value[7..];
        }
        else
        {
            return false;
        }

        var hostEnd = rest.IndexOfAny(AfterHost);
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        if (!IsPlainHost(host))
        {
            return false;
        }

        rest = rest[host.Length..];
        if (!rest.IsEmpty && rest[0] == ':')
        {
            var portEnd = rest[1..].IndexOfAny('/', '?', '#');
            var port = portEnd < 0 ? rest[1..] : rest[1..(1 + portEnd)];
            if (port.IsEmpty || port.Length > 5 || port.ContainsAnyExceptInRange('0', '9') || int.Parse(port, provider: System.Globalization.CultureInfo.InvariantCulture) > 65535)
            {
                return false;
            }

            rest = rest[(1 + port.Length)..];
        }

        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest.IndexOfAnyExcept(UrlCharacters) >= 0)
        {
            return false;
        }

        for (var i = rest.IndexOf('%'); i >= 0; i = rest.IndexOf('%'))
        {
            if (i + 2 >= rest.Length || !char.IsAsciiHexDigit(rest[i + 1]) || !char.IsAsciiHexDigit(rest[i + 2]))
            {
                return false;
            }

            rest = rest[(i + 3)..];
        }

        return true;
    }

    private static readonly SearchValues<char> AfterHost = SearchValues.Create(":/?#");

    // RFC 3986 unreserved, sub-delims, ':', '@', '/', '?', '#' and '%' (checked separately), after the host.
    private static readonly SearchValues<char> UrlCharacters = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?#%");

    private static bool IsPlainHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253)
        {
            return false;
        }

        var labels = 0;
        var allDigits = true;
        var lastStartsWithLetter = false;
        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                {
                    return false;
                }
            }

            labels++;
            allDigits &= !label.ContainsAnyExceptInRange('0', '9');
            lastStartsWithLetter = char.IsAsciiLetterLower(label[0]);
        }

        if (lastStartsWithLetter)
        {
            return true;
        }

        // Otherwise only a dotted IPv4 address: four numbers up to 255, no leading zeros.
        if (!allDigits || labels != 4)
        {
            return false;
        }

        foreach (var range in host.Split('.'))
        {
            var number = host[range];
            if (number.Length > 3 || (number.Length > 1 && number[0] == '0') || int.Parse(number, provider: System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private enum State
    {
        Data,
        TagOpen,
        TagName,
        BeforeAttributeName,
        AttributeName,
        AfterAttributeName,
        BeforeAttributeValue,
        AttributeValueDouble,
        AttributeValueSingle,
        AttributeValueUnquoted,
        Comment,
        Declaration,
        RawText,
    }

    private sealed class TemplateCompiler(string text)
    {
        private readonly List<TemplateSegment> segments = [];
        private readonly List<TemplateError> errors = [];
        private readonly StringBuilder literal = new();
        private readonly StringBuilder tagName = new();
        private readonly StringBuilder attributeName = new();
        private int literalLength;
        private bool isEndTag;
        private bool attributeValueEmpty;
        private int commentStart;
        private string? rawTextTag;

        public TemplateCompilation Compile()
        {
            var state = State.Data;
            var i = 0;
            while (i < text.Length)
            {
                if (text[i] == '{' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    i = Placeholder(i, state);
                    continue;
                }

                var c = text[i];
                literal.Append(c);
                state = Step(state, c, i);
                i++;
            }

            if (state is not (State.Data or State.RawText))
            {
                errors.Add(new TemplateError(null, text.Length, "The template ends inside a tag, attribute or comment."));
            }
            else if (state == State.RawText)
            {
                errors.Add(new TemplateError(null, text.Length, $"The <{rawTextTag}> element is never closed."));
            }

            Flush();
            return errors.Count > 0 ? new(null, errors) : new(new CreativeTemplate(segments, literalLength), []);
        }

        private int Placeholder(int start, State state)
        {
            var close = text.IndexOf("}}", start + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                errors.Add(new TemplateError(null, start, "'{{' is never closed by '}}'."));
                return text.Length;
            }

            var name = text.AsSpan(start + 2, close - start - 2).Trim().ToString();
            if (name.Length == 0 || !IsName(name))
            {
                errors.Add(new TemplateError(name, start, $"'{{{{{name}}}}}' is not a placeholder name (letters, digits, '_', '-', '.')."));
                return close + 2;
            }

            PlaceholderContext? context = state switch
            {
                State.Data => PlaceholderContext.Text,
                State.AttributeValueDouble or State.AttributeValueSingle => AttributeContext(name, start),
                State.AttributeValueUnquoted or State.BeforeAttributeValue => Error(name, start, "sits in an unquoted attribute value; quote the attribute."),
                State.Comment or State.Declaration => Error(name, start, "sits inside a comment or declaration."),
                State.RawText => Error(name, start, $"sits inside <{rawTextTag}>, where no escaping is safe."),
                _ => Error(name, start, "sits inside tag syntax; placeholders may only fill element text or quoted attribute values."),
            };

            if (context is { } placeholderContext)
            {
                Flush();
                segments.Add(new TemplateSegment(null, name, placeholderContext));
                attributeValueEmpty = false;
            }

            return close + 2;
        }

        private PlaceholderContext? AttributeContext(string name, int position)
        {
            var element = tagName.ToString();
            if (ForbiddenElements.Contains(element))
            {
                return Error(name, position, $"sits in an attribute of <{element}>, which loads code or rewrites URLs.");
            }

            var attribute = attributeName.ToString();
            if (attribute.StartsWith("on", StringComparison.OrdinalIgnoreCase) || ForbiddenAttributes.Contains(attribute))
            {
                return Error(name, position, $"sits in the '{attribute}' attribute, where no escaping is safe.");
            }

            if (UrlAttributes.Contains(attribute))
            {
                return attributeValueEmpty ? PlaceholderContext.Url : PlaceholderContext.UrlComponent;
            }

            return PlaceholderContext.Attribute;
        }

        private PlaceholderContext? Error(string name, int position, string message)
        {
            errors.Add(new TemplateError(name, position, $"{{{{{name}}}}} {message}"));
            return null;
        }

        private State Step(State state, char c, int index)
        {
            switch (state)
            {
                case State.Data:
                    if (c == '<')
                    {
                        return State.TagOpen;
                    }

                    return State.Data;

                case State.TagOpen:
                    if (c == '!')
                    {
                        commentStart = index - 1;
                        return text.AsSpan(index).StartsWith("!--", StringComparison.Ordinal) ? State.Comment : State.Declaration;
                    }

                    if (c == '/')
                    {
                        isEndTag = true;
                        tagName.Clear();
                        return State.TagName;
                    }

                    if (char.IsAsciiLetter(c))
                    {
                        isEndTag = false;
                        tagName.Clear().Append(c);
                        return State.TagName;
                    }

                    return State.Data; // "<" followed by anything else is text

                case State.TagName:
                    if (char.IsWhiteSpace(c) || c == '/')
                    {
                        return State.BeforeAttributeName;
                    }

                    if (c == '>')
                    {
                        return EndOfTag();
                    }

                    tagName.Append(c);
                    return State.TagName;

                case State.BeforeAttributeName:
                    if (char.IsWhiteSpace(c) || c == '/')
                    {
                        return State.BeforeAttributeName;
                    }

                    if (c == '>')
                    {
                        return EndOfTag();
                    }

                    attributeName.Clear().Append(c);
                    return State.AttributeName;

                case State.AttributeName:
                    if (c == '=')
                    {
                        return State.BeforeAttributeValue;
                    }

                    if (char.IsWhiteSpace(c) || c == '/')
                    {
                        return State.AfterAttributeName;
                    }

                    if (c == '>')
                    {
                        return EndOfTag();
                    }

                    attributeName.Append(c);
                    return State.AttributeName;

                case State.AfterAttributeName:
                    if (c == '=')
                    {
                        return State.BeforeAttributeValue;
                    }

                    if (char.IsWhiteSpace(c) || c == '/')
                    {
                        return State.AfterAttributeName;
                    }

                    if (c == '>')
                    {
                        return EndOfTag();
                    }

                    attributeName.Clear().Append(c);
                    return State.AttributeName;

                case State.BeforeAttributeValue:
                    attributeValueEmpty = true;
                    if (c == '"')
                    {
                        return State.AttributeValueDouble;
                    }

                    if (c == '\'')
                    {
                        return State.AttributeValueSingle;
                    }

                    if (char.IsWhiteSpace(c))
                    {
                        return State.BeforeAttributeValue;
                    }

                    if (c == '>')
                    {
                        return EndOfTag();
                    }

                    return State.AttributeValueUnquoted;

                case State.AttributeValueDouble:
                    attributeValueEmpty &= char.IsWhiteSpace(c);
                    return c == '"' ? State.BeforeAttributeName : State.AttributeValueDouble;

                case State.AttributeValueSingle:
                    attributeValueEmpty &= char.IsWhiteSpace(c);
                    return c == '\'' ? State.BeforeAttributeName : State.AttributeValueSingle;

                case State.AttributeValueUnquoted:
                    if (char.IsWhiteSpace(c))
                    {
                        return State.BeforeAttributeName;
                    }

                    return c == '>' ? EndOfTag() : State.AttributeValueUnquoted;

                case State.Comment:
                    // "<!--" opened at commentStart; "-->" closes it only after those four characters.
                    return c == '>' && index >= commentStart + 6 && text[index - 1] == '-' && text[index - 2] == '-'
                        ? State.Data
                        : State.Comment;

                case State.Declaration:
                    return c == '>' ? State.Data : State.Declaration;

                case State.RawText:
                    if (c == '>' && EndsWithClosingRawTag(index))
                    {
                        rawTextTag = null;
                        return State.Data;
                    }

                    return State.RawText;

                default:
                    return state;
            }
        }

        private State EndOfTag()
        {
            var name = tagName.ToString();
            if (!isEndTag && (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)))
            {
                rawTextTag = name.ToLowerInvariant();
                return State.RawText;
            }

            return State.Data;
        }

        private bool EndsWithClosingRawTag(int index)
        {
            var closing = "</" + rawTextTag;
            var lastOpen = text.LastIndexOf('<', index);
            if (lastOpen < 0)
            {
                return false;
            }

            var tail = text.AsSpan(lastOpen, index - lastOpen + 1);
            return tail.StartsWith(closing, StringComparison.OrdinalIgnoreCase)
                && (tail.Length == closing.Length + 1 || char.IsWhiteSpace(tail[closing.Length]) || tail[closing.Length] == '>');
        }

        private void Flush()
        {
            if (literal.Length > 0)
            {
                var value = literal.ToString();
                segments.Add(new TemplateSegment(value, null, PlaceholderContext.Text));
                literalLength += value.Length;
                literal.Clear();
            }
        }

        private static bool IsName(string name)
        {
            foreach (var c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
