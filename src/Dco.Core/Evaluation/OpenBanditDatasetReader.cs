using System.Globalization;

namespace Dco.Core.Evaluation;

/// <summary>
/// Reads the Open Bandit Dataset CSV format (Saito et al., 2021): one impression per row with
/// <c>item_id</c> (the action), <c>position</c>, <c>click</c> (the reward) and
/// <c>propensity_score</c> (the logging policy's probability of that item in that position).
/// The context key is the position, so target policies decide per position, as in the paper.
/// </summary>
public static class OpenBanditDatasetReader
{
    private static readonly string[] RequiredColumns = ["item_id", "position", "click", "propensity_score"];

    public static BanditLog Read(TextReader reader, string source)
    {
        var header = reader.ReadLine()
            ?? throw new FormatException($"{source}: the file is empty; expected an Open Bandit Dataset CSV header.");
        var columns = header.Split(',');
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length; i++)
        {
            index[columns[i].Trim()] = i;
        }

        var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException(
                $"{source}: not an Open Bandit Dataset CSV; the header lacks column(s) {string.Join(", ", missing)}.");
        }

        int item = index["item_id"], position = index["position"], click = index["click"], propensity = index["propensity_score"];
        var samples = new List<LoggedSample>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != columns.Length)
            {
                throw new FormatException($"{source}:{lineNumber}: {fields.Length} fields, the header has {columns.Length}.");
            }

            var itemId = ParseInt(fields[item], "item_id", source, lineNumber);
            var positionValue = ParseInt(fields[position], "position", source, lineNumber);
            var clicked = ParseInt(fields[click], "click", source, lineNumber);
            if (clicked is not (0 or 1))
            {
                throw new FormatException($"{source}:{lineNumber}: click is {clicked}; it must be 0 or 1.");
            }

            var p = ParseDouble(fields[propensity], "propensity_score", source, lineNumber);
            if (!(p > 0 && p <= 1))
            {
                throw new FormatException($"{source}:{lineNumber}: propensity_score {p} is not in (0, 1].");
            }

            samples.Add(new LoggedSample(
                "position=" + positionValue.ToString(CultureInfo.InvariantCulture),
                itemId.ToString(CultureInfo.InvariantCulture),
                clicked,
                p));
        }

        if (samples.Count == 0)
        {
            throw new FormatException($"{source}: the file has a header but no rows.");
        }

        return new BanditLog(source, samples);
    }

    private static int ParseInt(string text, string column, string source, int line) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{source}:{line}: {column} '{text}' is not an integer.");

    private static double ParseDouble(string text, string column, string source, int line) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{source}:{line}: {column} '{text}' is not a number.");
}
