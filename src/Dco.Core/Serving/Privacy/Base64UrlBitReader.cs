namespace Dco.Core.Serving.Privacy;

/// <summary>
/// Reads big-endian bit fields straight from base64url text (6 bits per character), the way the
/// TCF and GPP specifications define their strings; no byte buffer, no padding rules.
/// </summary>
internal ref struct Base64UrlBitReader
{
    private readonly ReadOnlySpan<char> text;

    private Base64UrlBitReader(ReadOnlySpan<char> text)
    {
        this.text = text;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Length => text.Length * 6;

    public readonly int Remaining => Length - Position;

    /// <summary>False when <paramref name="text"/> is empty or holds a character outside base64url (standard '+' '/' are tolerated).</summary>
    public static bool TryCreate(ReadOnlySpan<char> text, out Base64UrlBitReader reader)
    {
        reader = default;
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (Sextet(c) < 0)
            {
                return false;
            }
        }

        reader = new Base64UrlBitReader(text);
        return true;
    }

    public bool TryRead(int count, out long value)
    {
        value = 0;
        if (count is < 0 or > 62 || Remaining < count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var bit = Position + i;
            var sextet = Sextet(text[bit / 6]);
            value = (value << 1) | (long)((sextet >> (5 - (bit % 6))) & 1);
        }

        Position += count;
        return true;
    }

    public bool TryReadBool(out bool value)
    {
        var ok = TryRead(1, out var bit);
        value = bit == 1;
        return ok;
    }

    /// <summary>A Fibonacci-coded integer (GPP): bit i adds F(i+2) (1, 2, 3, 5, …), terminated by two consecutive 1 bits.</summary>
    public bool TryReadFibonacci(out int value)
    {
        value = 0;
        long weight = 1;
        long next = 2;
        var lastWasOne = false;
        for (var i = 0; i < 40; i++)
        {
            if (!TryRead(1, out var bit))
            {
                return false;
            }

            if (bit == 1 && lastWasOne)
            {
                return true;
            }

            if (bit == 1)
            {
                value += (int)weight;
            }

            lastWasOne = bit == 1;
            (weight, next) = (next, weight + next);
        }

        return false;
    }

    private static int Sextet(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' or '+' => 62,
        '_' or '/' => 63,
        _ => -1,
    };
}
