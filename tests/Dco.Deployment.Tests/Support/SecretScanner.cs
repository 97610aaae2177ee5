using System.Text.RegularExpressions;

namespace Dco.Deployment.Tests.Support;

public sealed record SecretFinding(string Source, int Line, string Rule, string Excerpt)
{
    public override string ToString() => $"{Source}:{Line}: {Rule}: {Excerpt}";
}

/// <summary>
/// Finds what must never be in a deployment template: key-listing functions, keys and
/// connection strings with secrets, secure parameters (a secret passing through), and
/// account-key-shaped literals.
/// </summary>
public static partial class SecretScanner
{
    private static readonly (string Rule, Regex Pattern)[] Rules =
    [
        ("list* function (reads keys or secrets: listKeys, listConnectionStrings, listAccountSas, ...)", ListFunction()),
        ("connection string with a secret (AccountKey=, SharedAccessKey=, SharedAccessSignature=, Password=)", SecretConnectionStringPart()),
        ("SAS signature (sig=)", SasSignature()),
        ("key property (primaryKey, secondaryMasterKey, ...)", KeyProperty()),
        ("secure parameter (a secret would pass through the template)", SecureDecorator()),
        ("account-key-shaped literal (long base64)", Base64Key()),
    ];

    public static IReadOnlyList<SecretFinding> Scan(string source, string text)
    {
        var findings = new List<SecretFinding>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var (rule, pattern) in Rules)
            {
                foreach (Match match in pattern.Matches(lines[i]))
                {
                    if (rule.StartsWith("account-key", StringComparison.Ordinal) && !LooksLikeKey(match.Value))
                    {
                        continue;
                    }

                    findings.Add(new SecretFinding(source, i + 1, rule, lines[i].Trim()));
                }
            }
        }

        return findings;
    }

    // Keys are random: they mix upper case, lower case and digits. Identifiers and paths do not.
    private static bool LooksLikeKey(string candidate) =>
        candidate.Any(char.IsUpper) && candidate.Any(char.IsLower) && candidate.Any(char.IsDigit);

    [GeneratedRegex(@"\blist[A-Z]\w*\s*\(|\blistkeys\s*\(")]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex SecretConnectionStringPart();

    [GeneratedRegex(@"[?&;]sig=", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"\b(primary|secondary)(ReadOnly)?(Master)?Keys?\b|\bmasterKey\b", RegexOptions.IgnoreCase)]
    private static partial Regex KeyProperty();

    [GeneratedRegex(@"@secure\s*\(|""type""\s*:\s*""secure(string|object)""", RegexOptions.IgnoreCase)]
    private static partial Regex SecureDecorator();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}")]
    private static partial Regex Base64Key();
}
