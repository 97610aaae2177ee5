using System.Text;
using System.Text.Encodings.Web;

namespace Dco.Core.Serving.Rendering;

/// <summary>Where a placeholder sits in the HTML, which decides how its value is escaped.</summary>
public enum PlaceholderContext
{
    /// <summary>Element text: HTML-encoded.</summary>
    Text = 0,

    /// <summary>A quoted, non-URL attribute value: HTML-attribute-encoded.</summary>
    Attribute,

    /// <summary>The whole start of a URL attribute (href, src, …): must be an absolute http(s) URL, then attribute-encoded.</summary>
    Url,

    /// <summary>Later in a URL attribute (a query value): percent-encoded.</summary>
    UrlComponent,
}

/// <summary>The values a template is rendered with, looked up by placeholder name (e.g. <c>headline.text</c>).</summary>
public interface IPlaceholderValues
{
    /// <summary>False, or a null value, when the placeholder has no value (a render error).</summary>
    bool TryGetValue(string name, out string? value);

    /// <summary>
    /// The value as UTF-8, for values held as bytes (decide's signed tracking URLs), so that no string of them is
    /// made: rendered as it is where nothing in it needs escaping for its place (text, an attribute, or the start
    /// of a URL attribute when it is a plain http(s) URL); anywhere else the renderer asks
    /// <see cref="TryGetValue"/> for the same value. False when the value has no such form (values held as strings).
    /// </summary>
    bool TryGetUtf8(string name, out ReadOnlySpan<byte> value);
}

/// <summary>A problem in a template or in the values given to render it; <see cref="Position"/> is the character offset in the template (-1 when not about the template text).</summary>
public sealed record TemplateError(string? Placeholder, int Position, string Message);

/// <summary>A compiled template: literal HTML and placeholders, each with the context that decides its escaping.</summary>
public sealed class CreativeTemplate
{
    internal CreativeTemplate(IReadOnlyList<TemplateSegment> segments, int literalLength)
    {
        // An array, so that rendering (every decide) walks it without an enumerator object.
        Segments = [.. segments];
        LiteralLength = literalLength;
        var names = new List<string>();
        foreach (var segment in segments)
        {
            if (segment.Placeholder is { } name && !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        Placeholders = names;
    }

    /// <summary>Distinct placeholder names in order of first use (e.g. "headline.text").</summary>
    public IReadOnlyList<string> Placeholders { get; }

    internal TemplateSegment[] Segments { get; }

    internal int LiteralLength { get; }

    // The literal segments as JSON string content (UTF-8) for the one encoder renders ask for; replaced whole, never changed.
    private JsonLiterals? jsonLiterals;

    /// <summary>Each literal segment's UTF-8 bytes escaped by <paramref name="encoder"/> (null for placeholders), made once per template and encoder.</summary>
    internal byte[]?[] JsonLiteralsFor(JavaScriptEncoder encoder)
    {
        var cached = jsonLiterals;
        if (cached is not null && ReferenceEquals(cached.Encoder, encoder))
        {
            return cached.Bytes;
        }

        var bytes = new byte[]?[Segments.Length];
        for (var i = 0; i < Segments.Length; i++)
        {
            if (Segments[i].Literal is { } literal)
            {
                bytes[i] = Encoding.UTF8.GetBytes(encoder.Encode(literal));
            }
        }

        jsonLiterals = new JsonLiterals(encoder, bytes);
        return bytes;
    }

    private sealed record JsonLiterals(JavaScriptEncoder Encoder, byte[]?[] Bytes);

    /// <summary>The context of each occurrence of <paramref name="placeholder"/>.</summary>
    public IReadOnlyList<PlaceholderContext> ContextsOf(string placeholder)
    {
        var contexts = new List<PlaceholderContext>();
        foreach (var segment in Segments)
        {
            if (string.Equals(segment.Placeholder, placeholder, StringComparison.Ordinal))
            {
                contexts.Add(segment.Context);
            }
        }

        return contexts;
    }
}

/// <summary>Literal text (Placeholder null) or a placeholder with its context.</summary>
internal readonly record struct TemplateSegment(string? Literal, string? Placeholder, PlaceholderContext Context);
