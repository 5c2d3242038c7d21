using System.Text;

namespace Solvers.IO.Text;

/// <summary>A text matrix format, as told by <see cref="TextFormatDetector"/>.</summary>
public enum TextFormat
{
    /// <summary>Matrix Market: the first non-blank line begins with <c>%%MatrixMarket</c> (or a permissive variant).</summary>
    MatrixMarket,
    /// <summary>Harwell-Boeing / Rutherford-Boeing: line 2 holds four or five integers, line 3 starts with a type code.</summary>
    HarwellBoeing,
    /// <summary>Numeric text without a banner: triplets, readable only with explicit flags.</summary>
    Triplets,
    /// <summary>Not a text matrix format (binary, empty, or anything else).</summary>
    Unknown,
}

/// <summary>Detects the text matrix format from the content (PS §9 item 4), never from the extension.</summary>
public static class TextFormatDetector
{
    private const int ProbeBytes = 64 * 1024;

    /// <summary>Detects the format of a file from its first bytes.</summary>
    /// <exception cref="ProblemFileException">The file does not exist or cannot be opened.</exception>
    public static TextFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] head;
        using (var fs = TextErrors.OpenRead(path))
        {
            head = new byte[(int)Math.Min(ProbeBytes, Math.Max(0, fs.Length))];
            int n = 0;
            try
            {
                while (n < head.Length)
                {
                    int r = fs.Read(head, n, head.Length - n);
                    if (r <= 0) break;
                    n += r;
                }
            }
            catch (IOException e)
            {
                throw TextErrors.Make(path, ProblemFileError.Malformed, null, "read error: " + e.Message, e);
            }

            Array.Resize(ref head, n);
        }

        return Detect(head);
    }

    /// <summary>Detects the format from the first bytes of a file.</summary>
    internal static TextFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        if (head.IsEmpty || head.Contains((byte)0)) return TextFormat.Unknown;
        var lines = new List<string>();
        var rest = head;
        while (lines.Count < 64 && !rest.IsEmpty)
        {
            int nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? [] : rest[(nl + 1)..];
            lines.Add(Encoding.UTF8.GetString(line).TrimEnd('\r'));
        }

        string? first = lines.FirstOrDefault(l => l.Trim().Length > 0)?.TrimStart(' ', '\t');
        if (first is null) return TextFormat.Unknown;
        if (first.StartsWith("%%MatrixMarket", StringComparison.OrdinalIgnoreCase) || first.StartsWith("%MatrixMarket", StringComparison.OrdinalIgnoreCase))
            return TextFormat.MatrixMarket;
        if (lines.Count >= 3 && IsHarwellBoeingHeader(lines[1], lines[2])) return TextFormat.HarwellBoeing;
        foreach (var l in lines)
        {
            var t = l.Trim();
            if (t.Length == 0 || t[0] == '%' || t[0] == '#') continue;
            var tokens = t.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length is < 2 or > 4) return TextFormat.Unknown;
            foreach (var tok in tokens)
                if (!double.TryParse(tok, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                    return TextFormat.Unknown;
            return TextFormat.Triplets;
        }

        return TextFormat.Unknown;
    }

    private static bool IsHarwellBoeingHeader(string line2, string line3)
    {
        var ints = line2.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (ints.Length is < 4 or > 5) return false;
        foreach (var s in ints)
            if (!long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)) return false;
        if (line3.Length < 3) return false;
        char a = char.ToUpperInvariant(line3[0]), b = char.ToUpperInvariant(line3[1]), c = char.ToUpperInvariant(line3[2]);
        return a is 'R' or 'P' or 'I' or 'C' && b is 'S' or 'U' or 'Z' or 'R' or 'H' && c is 'A' or 'E';
    }
}
