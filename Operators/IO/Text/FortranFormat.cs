using System.Globalization;

namespace Solvers.IO.Text;

/// <summary>
/// One Fortran edit descriptor of a Harwell-Boeing header: <c>([kP[,]][r]Xw[.d][Ee])</c> with X one of I, E, D, F, G
/// (REL §9: repeat count ≤ 1000, width 1–40).
/// </summary>
internal readonly record struct FortranFormat(int PerLine, char Kind, int Width, int Decimals, int Scale)
{
    public const int MaxRepeat = 1000;
    public const int MaxWidth = 40;

    public bool IsInteger => Kind == 'I';

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({(Scale != 0 ? Scale + "P," : "")}{PerLine}{Kind}{Width}{(IsInteger ? "" : "." + Decimals)})");

    /// <summary>Parses a descriptor; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out FortranFormat format, out string error)
    {
        format = default;
        string s = text.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (s.Length < 3 || s[0] != '(' || s[^1] != ')')
        {
            error = $"edit descriptor '{text}' is not of the form (rXw.d)";
            return false;
        }

        s = s[1..^1];
        int pos = 0;
        int scale = 0;
        int save = pos;
        if (TryInt(s, ref pos, allowSign: true, out int k) && pos < s.Length && s[pos] == 'P')
        {
            scale = k;
            pos++;
            if (pos < s.Length && s[pos] == ',') pos++;
        }
        else
        {
            pos = save;
        }

        int repeat = 1;
        if (pos < s.Length && char.IsAsciiDigit(s[pos]) && !TryInt(s, ref pos, allowSign: false, out repeat))
        {
            error = $"edit descriptor '{text}': repeat count too large";
            return false;
        }

        if (pos >= s.Length || s[pos] is not ('I' or 'E' or 'D' or 'F' or 'G'))
        {
            error = $"edit descriptor '{text}': expected one of I, E, D, F, G";
            return false;
        }

        char kind = s[pos++];
        if (!TryInt(s, ref pos, allowSign: false, out int width))
        {
            error = $"edit descriptor '{text}': missing or too large field width";
            return false;
        }

        int decimals = 0;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            if (!TryInt(s, ref pos, allowSign: false, out decimals))
            {
                error = $"edit descriptor '{text}': missing digit count after '.'";
                return false;
            }
        }

        if (pos < s.Length && s[pos] == 'E' && kind != 'I')
        {
            pos++;
            if (!TryInt(s, ref pos, allowSign: false, out _))
            {
                error = $"edit descriptor '{text}': missing exponent width";
                return false;
            }
        }

        if (pos != s.Length)
        {
            error = $"edit descriptor '{text}' is not supported (only one group rXw.d, optionally with a scale factor kP)";
            return false;
        }

        if (repeat < 1 || repeat > MaxRepeat)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"edit descriptor '{text}': repeat count {repeat} outside 1–{MaxRepeat}");
            return false;
        }

        if (width < 1 || width > MaxWidth)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"edit descriptor '{text}': width {width} outside 1–{MaxWidth}");
            return false;
        }

        if (kind != 'I' && decimals > width)
        {
            error = $"edit descriptor '{text}': more decimals than the width";
            return false;
        }

        if (Math.Abs(scale) > MaxWidth)
        {
            error = $"edit descriptor '{text}': scale factor too large";
            return false;
        }

        format = new FortranFormat(repeat, kind, width, kind == 'I' ? 0 : decimals, scale);
        error = "";
        return true;
    }

    private static bool TryInt(string s, ref int pos, bool allowSign, out int value)
    {
        value = 0;
        int p = pos;
        bool neg = false;
        if (allowSign && p < s.Length && s[p] is '+' or '-')
        {
            neg = s[p] == '-';
            p++;
        }

        int start = p;
        while (p < s.Length && char.IsAsciiDigit(s[p]))
        {
            if (p - start >= 7) return false;
            value = (value * 10) + (s[p] - '0');
            p++;
        }

        if (p == start) return false;
        if (neg) value = -value;
        pos = p;
        return true;
    }

    /// <summary>
    /// Parses one real field: blanks around it ignored, <c>E</c>/<c>D</c>/<c>Q</c> exponents or a signed exponent without
    /// a letter (<c>1.0-05</c>), an implied decimal point (d digits) when the field has none, and the scale factor
    /// applied when the field has no exponent.
    /// </summary>
    public bool TryParseReal(ReadOnlySpan<byte> field, out double value)
    {
        value = 0;
        field = field.Trim((byte)' ');
        if (field.IsEmpty) return false;
        Span<byte> buf = stackalloc byte[MaxWidth + 24];
        int k = 0, i = 0, n = field.Length;
        if (field[0] is (byte)'+' or (byte)'-')
        {
            if (field[0] == (byte)'-') buf[k++] = (byte)'-';
            i++;
        }

        int digits = 0;
        bool dot = false;
        while (i < n)
        {
            byte c = field[i];
            if (TextParsing.IsDigit(c)) { buf[k++] = c; digits++; i++; }
            else if (c == (byte)'.' && !dot) { buf[k++] = c; dot = true; i++; }
            else break;
        }

        if (digits == 0) return false;
        long exp = 0;
        bool hasExp = false;
        if (i < n)
        {
            byte c = field[i];
            if (c is (byte)'E' or (byte)'e' or (byte)'D' or (byte)'d' or (byte)'Q' or (byte)'q') i++;
            else if (c is not ((byte)'+' or (byte)'-')) return false;
            hasExp = true;
            bool neg = false;
            if (i < n && field[i] is (byte)'+' or (byte)'-')
            {
                neg = field[i] == (byte)'-';
                i++;
            }

            int expDigits = 0;
            while (i < n && TextParsing.IsDigit(field[i]))
            {
                exp = Math.Min((exp * 10) + (field[i] - '0'), 1_000_000);
                i++;
                expDigits++;
            }

            if (expDigits == 0 || i != n) return false;
            if (neg) exp = -exp;
        }

        if (!dot && Decimals > 0) exp -= Decimals;
        if (!hasExp && Scale != 0) exp -= Scale;
        if (exp != 0)
        {
            buf[k++] = (byte)'E';
            if (!exp.TryFormat(buf[k..], out int w, default, CultureInfo.InvariantCulture)) return false;
            k += w;
        }

        return double.TryParse(buf[..k], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }
}
