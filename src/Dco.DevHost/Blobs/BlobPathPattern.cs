using System.Text.RegularExpressions;

namespace Dco.DevHost.Blobs;

/// <summary>
/// A blob trigger path such as <c>assets-incoming/{campaignId}/{file}</c>: the container, the literal
/// prefix to list, and the named values a blob path binds (the last one may span '/', as in the host).
/// </summary>
public sealed class BlobPathPattern
{
    private readonly Regex regex;

    private BlobPathPattern(string container, string prefix, Regex regex, IReadOnlyList<string> names)
    {
        Container = container;
        Prefix = prefix;
        this.regex = regex;
        Names = names;
    }

    public string Container { get; }

    public string Prefix { get; }

    public IReadOnlyList<string> Names { get; }

    public static BlobPathPattern Parse(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? path : path[..slash];
        var blobPattern = slash < 0 ? "{name}" : path[(slash + 1)..];
        if (container.Contains('{', StringComparison.Ordinal))
        {
            throw new FormatException($"Blob trigger path '{path}': the container name cannot be a pattern.");
        }

        var names = new List<string>();
        var builder = new System.Text.StringBuilder("^");
        var position = 0;
        var tokens = Regex.Matches(blobPattern, @"\{([A-Za-z_][A-Za-z0-9_]*)\}");
        foreach (Match token in tokens)
        {
            builder.Append(Regex.Escape(blobPattern[position..token.Index]));
            var name = token.Groups[1].Value;
            var isLast = token.Index + token.Length == blobPattern.Length;
            builder.Append("(?<").Append(name).Append(isLast ? ">.+)" : ">[^/]+?)");
            names.Add(name);
            position = token.Index + token.Length;
        }

        builder.Append(Regex.Escape(blobPattern[position..])).Append('$');
        var firstBrace = blobPattern.IndexOf('{', StringComparison.Ordinal);
        var prefix = firstBrace < 0 ? blobPattern : blobPattern[..firstBrace];
        return new BlobPathPattern(container, prefix, new Regex(builder.ToString(), RegexOptions.CultureInvariant), names);
    }

    /// <summary>The values bound by <paramref name="blobName"/>, or null when it does not match.</summary>
    public IReadOnlyDictionary<string, string>? Match(string blobName)
    {
        var match = regex.Match(blobName);
        if (!match.Success)
        {
            return null;
        }

        return Names.ToDictionary(n => n, n => match.Groups[n].Value, StringComparer.OrdinalIgnoreCase);
    }
}
