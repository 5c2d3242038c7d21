using System.Globalization;
using System.Text;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>Builds <see cref="ProblemFileException"/>s for the text formats.</summary>
internal static class TextErrors
{
    public static ProblemFileException Make(string file, ProblemFileError error, long? line, string reason, Exception? inner = null) =>
        new(file, null, error, reason, line, inner);

    /// <summary>
    /// Runs a parse and maps every exception but <see cref="ProblemFileException"/> and
    /// <see cref="OperationCanceledException"/> to a <see cref="ProblemFileException"/> (REL §2.2).
    /// </summary>
    public static T Guard<T>(string file, Func<long> currentLine, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ProblemFileException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (OutOfMemoryException e)
        {
            throw Make(file, ProblemFileError.LimitExceeded, Line(currentLine), "out of memory while reading; lower the input size or raise the memory available", e);
        }
        catch (IOException e)
        {
            throw Make(file, ProblemFileError.Malformed, Line(currentLine), "read error: " + e.Message, e);
        }
#pragma warning disable CA1031 // REL §2.2: nothing but ProblemFileException may escape a text parser.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw Make(file, ProblemFileError.Malformed, Line(currentLine), "unexpected parser failure: " + e.Message, e);
        }
    }

    private static long Line(Func<long> currentLine)
    {
        long l = currentLine();
        return l < 1 ? 1 : l;
    }

    /// <summary>Opens a file for reading, mapping open failures to <see cref="ProblemFileException"/>.</summary>
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Make(path, ProblemFileError.NotFound, null, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Make(path, ProblemFileError.Malformed, null, "cannot open: " + e.Message, e);
        }
    }
}

/// <summary>Whitespace seen while tokenizing, for the permissive-variant warnings.</summary>
internal struct WhitespaceFlags
{
    public bool LeadingWhitespace;
    public bool TabsOrRepeatedSpaces;
}

/// <summary>Tokenizing and number parsing shared by the text importers (REL §9).</summary>
internal static class TextParsing
{
    private const NumberStyles RealStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingSign;
    private const long MaxExactInteger = 1L << 53;

    /// <summary>True when the line is empty or only spaces and tabs.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;

    /// <summary>The line without leading spaces and tabs.</summary>
    public static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> line) => line.TrimStart(" \t"u8);

    /// <summary>
    /// Splits on spaces and tabs. Stores up to <c>tokens.Length</c> token ranges and returns the total count (which may
    /// be larger).
    /// </summary>
    public static int Tokenize(ReadOnlySpan<byte> line, Span<Range> tokens, ref WhitespaceFlags flags)
    {
        int count = 0, i = 0, n = line.Length;
        if (n > 0 && (line[0] == (byte)' ' || line[0] == (byte)'\t')) flags.LeadingWhitespace = true;
        while (i < n)
        {
            int ws = i;
            while (i < n && (line[i] == (byte)' ' || line[i] == (byte)'\t')) i++;
            if (i >= n) break;
            if (count > 0 && (i - ws > 1 || line[ws] == (byte)'\t')) flags.TabsOrRepeatedSpaces = true;
            int s = i;
            while (i < n && line[i] != (byte)' ' && line[i] != (byte)'\t') i++;
            if (count < tokens.Length) tokens[count] = new Range(s, i);
            count++;
        }

        return count;
    }

    /// <summary>Text of a token for messages (at most 40 characters).</summary>
    public static string Show(ReadOnlySpan<byte> token)
    {
        string s = Encoding.UTF8.GetString(token.Length > 40 ? token[..40] : token);
        return token.Length > 40 ? s + "…" : s;
    }

    /// <summary>Parses a signed decimal integer token into a long; non-digits or overflow are <c>Malformed</c>.</summary>
    public static long ParseLong(ReadOnlySpan<byte> token, string file, long line, string what)
    {
        if (long.TryParse(token, IntegerStyle, CultureInfo.InvariantCulture, out long v)) return v;
        if (IsSignedDigits(token))
            throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"{what} {Show(token)} does not fit a 64-bit integer");
        throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"{what} '{Show(token)}' is not an integer");
    }

    /// <summary>
    /// Parses a real token with the invariant culture (leading <c>+</c> or <c>.</c> and <c>e</c>/<c>E</c> exponents
    /// accepted). <c>nan</c>/<c>inf</c> tokens and literals that overflow to ±∞ are <c>NonFiniteValue</c>; anything
    /// else that is not a number is <c>Malformed</c>.
    /// </summary>
    public static double ParseReal(ReadOnlySpan<byte> token, string file, long line)
    {
        var body = token.Length > 0 && (token[0] == (byte)'+' || token[0] == (byte)'-') ? token[1..] : token;
        if (body.Length == 0 || !(IsDigit(body[0]) || body[0] == (byte)'.'))
        {
            if (IsNonFiniteWord(body))
                throw TextErrors.Make(file, ProblemFileError.NonFiniteValue, line, $"non-finite value token '{Show(token)}' is not allowed");
            throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"'{Show(token)}' is not a number");
        }

        if (!double.TryParse(token, RealStyle, CultureInfo.InvariantCulture, out double v))
            throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"'{Show(token)}' is not a number");
        if (!double.IsFinite(v))
            throw TextErrors.Make(file, ProblemFileError.NonFiniteValue, line, $"value {Show(token)} overflows double precision (±∞)");
        return v;
    }

    /// <summary>Parses an integer-field value; |v| above 2⁵³ is <c>LimitExceeded</c> (it cannot be widened to f64 exactly).</summary>
    public static double ParseIntegerValue(ReadOnlySpan<byte> token, bool unsigned, string file, long line)
    {
        if (!IsSignedDigits(token))
        {
            var body = token.Length > 0 && (token[0] == (byte)'+' || token[0] == (byte)'-') ? token[1..] : token;
            if (IsNonFiniteWord(body))
                throw TextErrors.Make(file, ProblemFileError.NonFiniteValue, line, $"non-finite value token '{Show(token)}' is not allowed");
            throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"'{Show(token)}' is not an integer (the field is integer)");
        }

        if (!long.TryParse(token, IntegerStyle, CultureInfo.InvariantCulture, out long v) || v > MaxExactInteger || v < -MaxExactInteger)
            throw TextErrors.Make(file, ProblemFileError.LimitExceeded, line,
                $"integer value {Show(token)} exceeds 2^53 and cannot be represented exactly as a double");
        if (unsigned && v < 0)
            throw TextErrors.Make(file, ProblemFileError.Malformed, line, $"negative value {Show(token)} in an unsigned-integer field");
        return v;
    }

    public static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

    private static bool IsSignedDigits(ReadOnlySpan<byte> token)
    {
        if (token.Length > 0 && (token[0] == (byte)'+' || token[0] == (byte)'-')) token = token[1..];
        if (token.IsEmpty) return false;
        foreach (byte b in token)
            if (!IsDigit(b)) return false;
        return true;
    }

    private static bool IsNonFiniteWord(ReadOnlySpan<byte> body) =>
        Ascii.EqualsIgnoreCase(body, "nan"u8) || Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8)
        || Ascii.EqualsIgnoreCase(body, "infty"u8) || body.SequenceEqual("∞"u8);
}

/// <summary>Assembly of coordinate data into canonical CSR, shared by the text importers.</summary>
internal static class TextAssembly
{
    /// <summary>Bytes per parsed coordinate entry (row, column, value) while reading.</summary>
    public const int EntryBytes = 16;

    /// <summary>The initial capacity for a declared entry count: min(declared, budget ÷ entry size, 1 M) (REL §4 item 6).</summary>
    public static int InitialCapacity(long declared, long budget, int entryBytes)
    {
        long cap = Math.Min(Math.Max(declared, 0), Math.Min(budget / entryBytes, 1 << 20));
        return (int)Math.Max(cap, 4);
    }

    /// <summary>Bytes needed to build an m-row CSR with nnz stored entries from coordinates (input copies included).</summary>
    public static long AssemblyBytes(long rows, long nnz) => checked(((rows + 1) * 3 * sizeof(int)) + (nnz * 2 * (sizeof(int) + sizeof(double))) + (nnz * EntryBytes));

    /// <summary>
    /// Expands a stored triangle to full storage: each off-diagonal (i, j, v) also gives (j, i, v), or (j, i, −v) when
    /// <paramref name="skew"/>.
    /// </summary>
    public static CsrMatrix MirrorTriangle(CsrMatrix stored, bool skew, OperatorProperties properties)
    {
        int n = stored.Rows;
        var rp = stored.RowPointers;
        var ci = stored.ColumnIndices;
        var v = stored.Values;
        long off = 0;
        for (int i = 0; i < n; i++)
            for (int p = rp[i]; p < rp[i + 1]; p++)
                if (ci[p] != i) off++;
        long total = stored.NonZeroCount + off;
        if (total > Array.MaxLength) throw new InvalidOperationException("unreachable: checked by the caller");
        var r = new int[total];
        var c = new int[total];
        var x = new double[total];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int p = rp[i]; p < rp[i + 1]; p++)
            {
                int j = ci[p];
                r[k] = i; c[k] = j; x[k] = v[p]; k++;
                if (j != i)
                {
                    r[k] = j; c[k] = i; x[k] = skew ? -v[p] : v[p]; k++;
                }
            }
        }

        return CsrMatrix.FromCoordinates(n, n, r, c, x, sumDuplicates: true, out _, properties);
    }

    /// <summary>Number of stored entries after mirroring a triangle.</summary>
    public static long MirroredCount(CsrMatrix stored)
    {
        long off = 0;
        var rp = stored.RowPointers;
        var ci = stored.ColumnIndices;
        for (int i = 0; i < stored.Rows; i++)
            for (int p = rp[i]; p < rp[i + 1]; p++)
                if (ci[p] != i) off++;
        return stored.NonZeroCount + off;
    }

    /// <summary>Position of the first non-finite value, or −1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return i;
        return -1;
    }
}

/// <summary>A growable coordinate list with a budget (REL §4 item 6: preallocate little, grow, refuse past the budget).</summary>
internal sealed class CoordinateBuffer
{
    private readonly string _file;
    private readonly long _budget;
    private int[] _rows;
    private int[] _cols;
    private double[] _values;

    public CoordinateBuffer(string file, long declared, long budget)
    {
        _file = file;
        _budget = budget;
        int cap = TextAssembly.InitialCapacity(declared, budget, TextAssembly.EntryBytes);
        _rows = new int[cap];
        _cols = new int[cap];
        _values = new double[cap];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Count);

    public ReadOnlySpan<int> Columns => _cols.AsSpan(0, Count);

    public ReadOnlySpan<double> Values => _values.AsSpan(0, Count);

    public void Add(int row, int col, double value, long line)
    {
        if (Count == _rows.Length) Grow(line);
        _rows[Count] = row;
        _cols[Count] = col;
        _values[Count] = value;
        Count++;
    }

    private void Grow(long line)
    {
        long next = Math.Min((long)_rows.Length * 2, Array.MaxLength);
        if (next <= _rows.Length || next * TextAssembly.EntryBytes > _budget)
        {
            next = Math.Min(_budget / TextAssembly.EntryBytes, Array.MaxLength);
            if (next <= _rows.Length)
                throw TextErrors.Make(_file, ProblemFileError.LimitExceeded, line,
                    string.Create(CultureInfo.InvariantCulture,
                        $"more than {_rows.Length} entries exceed the memory budget of {_budget} bytes (MemoryBudgetBytes, --max-memory)"));
        }

        Array.Resize(ref _rows, (int)next);
        Array.Resize(ref _cols, (int)next);
        Array.Resize(ref _values, (int)next);
    }
}

/// <summary>A growable list of doubles with a budget.</summary>
internal sealed class ValueBuffer
{
    private readonly string _file;
    private readonly long _budget;
    private double[] _values;

    public ValueBuffer(string file, long declared, long budget)
    {
        _file = file;
        _budget = budget;
        _values = new double[TextAssembly.InitialCapacity(declared, budget, sizeof(double))];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<double> Values => _values.AsSpan(0, Count);

    public double this[int i] => _values[i];

    public void Add(double value, long line)
    {
        if (Count == _values.Length)
        {
            long next = Math.Min(Math.Min((long)_values.Length * 2, Array.MaxLength), _budget / sizeof(double));
            if (next <= _values.Length)
                throw TextErrors.Make(_file, ProblemFileError.LimitExceeded, line,
                    string.Create(CultureInfo.InvariantCulture, $"more than {_values.Length} values exceed the memory budget of {_budget} bytes (MemoryBudgetBytes, --max-memory)"));
            Array.Resize(ref _values, (int)next);
        }

        _values[Count++] = value;
    }
}
