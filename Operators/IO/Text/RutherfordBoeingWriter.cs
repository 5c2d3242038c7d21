using System.Globalization;
using System.Runtime.InteropServices;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>
/// Writes assembled Rutherford-Boeing / Harwell-Boeing files (PS §10.7): type <c>RUA</c>, <c>RSA</c> (lower triangle of an
/// exactly symmetric matrix) or <c>RRA</c> (not square); 1-based CSC column pointers and row indices; values in
/// <see cref="ValueFormat"/>, which reads back bit-identically; card counts on line 2; and, when vectors are given, a
/// Harwell-Boeing right-hand-side block of type <c>F</c> with the <c>G</c> (starting guess) and <c>X</c> (exact
/// solution) flags. The file is written to a temporary file in the same directory and then renamed over the target.
/// </summary>
/// <remarks>
/// <para>
/// Values are written as Fortran's <c>E26.17</c> writes them (<c>0.</c>, 17 significant digits, exponent), except that
/// the exponent always has the letter <c>E</c>, a sign and three digits (<c>-0.17976931348623157E+309</c>). Fortran's
/// <c>Ew.d</c> output drops the letter when |exponent| &gt; 99 (<c>0.1+301</c>), which readers that split on blanks and
/// call <c>strtod</c> (scipy's <c>hb_read</c>) misread; Fortran's <c>E</c> input editing, the suite's own reader and
/// such readers all accept the form with the letter. Seventeen significant digits identify every double, subnormals
/// included, and a value takes at most 25 of the 26 columns, so fields never touch.
/// </para>
/// <para>
/// Integer fields are one column wider than the largest pointer or row index needs, with as many per card as fit in
/// 80 columns. Data cards have exactly the width of their format (the last card of a section may be shorter); header
/// cards are padded to 80 columns. Explicit zeros and negative zeros are written as stored.
/// </para>
/// </remarks>
public static class RutherfordBoeingWriter
{
    /// <summary>The Fortran edit descriptor of the value (and right-hand-side) cards.</summary>
    public const string ValueFormat = "(3E26.17)";

    private const int ValuesPerCard = 3;
    private const int ValueWidth = 26;
    private const int CardWidth = 80;

    /// <summary>
    /// Writes <paramref name="a"/> as an assembled Rutherford-Boeing / Harwell-Boeing file: the lower triangle as
    /// <c>RSA</c> when <paramref name="symmetric"/> is true and A is exactly symmetric (<see cref="IsExactlySymmetric"/>),
    /// otherwise all entries as <c>RUA</c>, or <c>RRA</c> when A is not square.
    /// </summary>
    /// <param name="path">The output file; replaced when it exists.</param>
    /// <param name="a">The matrix.</param>
    /// <param name="title">Title of line 1: at most 72 printable ASCII characters.</param>
    /// <param name="key">Key of line 1: at most 8 printable ASCII characters.</param>
    /// <param name="symmetric">Write the lower triangle as <c>RSA</c> when A is exactly symmetric.</param>
    /// <param name="rightHandSide">Optional right-hand side b (length NROW): written as an RHS block of type <c>F</c>.</param>
    /// <param name="initialGuess">Optional starting guess (length NROW; needs b and a square A): RHSTYP letter 2 <c>G</c>.</param>
    /// <param name="exactSolution">Optional exact solution (length NROW; needs b and a square A): RHSTYP letter 3 <c>X</c>.</param>
    /// <exception cref="ArgumentException">A value or vector entry is NaN or infinite; the title or key is too long or not
    /// printable ASCII; a vector has the wrong length; a guess or solution comes without b or with a non-square A.</exception>
    public static void Write(string path, CsrMatrix a, string title, string key, bool symmetric = false,
        double[]? rightHandSide = null, double[]? initialGuess = null, double[]? exactSolution = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(key);
        CheckText(title, 72, nameof(title));
        CheckText(key, 8, nameof(key));
        CheckFinite(a.Values, "matrix value", nameof(a));
        CheckVectors(a, rightHandSide, initialGuess, exactSolution);

        string type = TypeCode(a, symmetric);
        bool sym = type[1] == 'S';
        int nrow = a.Rows, ncol = a.Columns;

        // CSC of A is the CSR of Aᵀ: row j of t is column j of A with sorted row indices.
        var t = a.Transpose();
        var tp = t.RowPointers;
        var ti = t.ColumnIndices;
        var tv = t.Values;
        var colPtr = new long[ncol + 1];
        colPtr[0] = 1;
        long stored = 0;
        for (int j = 0; j < ncol; j++)
        {
            for (int p = tp[j]; p < tp[j + 1]; p++)
                if (!sym || ti[p] >= j) stored++;
            colPtr[j + 1] = stored + 1;
        }

        var rowInd = new int[stored];
        var values = new double[stored];
        int k = 0;
        for (int j = 0; j < ncol; j++)
        {
            for (int p = tp[j]; p < tp[j + 1]; p++)
            {
                if (sym && ti[p] < j) continue;
                rowInd[k] = ti[p] + 1;
                values[k] = tv[p];
                k++;
            }
        }

        var ptrFmt = IntegerFormat(stored + 1);
        var indFmt = IntegerFormat(Math.Max(nrow, 1));
        long ptrCards = Cards(ncol + 1L, ptrFmt.PerCard);
        long indCards = Cards(stored, indFmt.PerCard);
        long valCards = Cards(stored, ValuesPerCard);
        int vectors = rightHandSide is null ? 0 : 1 + (initialGuess is null ? 0 : 1) + (exactSolution is null ? 0 : 1);
        long rhsCards = vectors * Cards(nrow, ValuesPerCard);
        string rhsType = rightHandSide is null ? "" : "F" + (initialGuess is null ? ' ' : 'G') + (exactSolution is null ? ' ' : 'X');

        MatrixMarketWriter.WriteAtomically(path, w =>
        {
            HeaderCard(w, title.PadRight(72) + key);
            HeaderCard(w, I14(ptrCards + indCards + valCards + rhsCards) + I14(ptrCards) + I14(indCards) + I14(valCards) + I14(rhsCards));
            HeaderCard(w, type + new string(' ', 11) + I14(nrow) + I14(ncol) + I14(stored) + I14(0));
            HeaderCard(w, ptrFmt.Descriptor.PadRight(16) + indFmt.Descriptor.PadRight(16) + ValueFormat.PadRight(20)
                + (rightHandSide is null ? "" : ValueFormat));
            if (rightHandSide is not null) HeaderCard(w, rhsType + new string(' ', 11) + I14(1) + I14(0));
            WriteIntegers(w, colPtr, ptrFmt);
            WriteIntegers(w, rowInd.Select(i => (long)i), indFmt);
            WriteReals(w, values);
            if (rightHandSide is not null)
            {
                WriteReals(w, rightHandSide);
                if (initialGuess is not null) WriteReals(w, initialGuess);
                if (exactSolution is not null) WriteReals(w, exactSolution);
            }
        });
    }

    /// <summary>
    /// The MXTYPE that <see cref="Write"/> uses for <paramref name="a"/>: <c>RSA</c> when <paramref name="symmetric"/> is
    /// true and A is exactly symmetric, <c>RUA</c> for other square matrices, <c>RRA</c> otherwise.
    /// </summary>
    public static string TypeCode(CsrMatrix a, bool symmetric)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) return "RRA";
        return symmetric && IsExactlySymmetric(a) ? "RSA" : "RUA";
    }

    /// <summary>
    /// True when A is square and equals Aᵀ exactly: the same pattern (explicit zeros included) and bit-identical values
    /// (so <c>-0.0</c> opposite <c>+0.0</c> is not symmetric). Only then does the lower triangle give back A itself.
    /// </summary>
    public static bool IsExactlySymmetric(CsrMatrix a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) return false;
        var t = a.Transpose();
        return a.RowPointers.SequenceEqual(t.RowPointers)
            && a.ColumnIndices.SequenceEqual(t.ColumnIndices)
            && MemoryMarshal.Cast<double, long>(a.Values).SequenceEqual(MemoryMarshal.Cast<double, long>(t.Values));
    }

    /// <summary>
    /// One value as written in a 26-column field before padding: <c>[-]0.</c>, 17 significant digits, <c>E</c>, the
    /// exponent's sign and three digits (zero has exponent <c>+000</c>).
    /// </summary>
    internal static string FormatValue(double x)
    {
        Span<char> buf = stackalloc char[ValueWidth];
        int n = FormatValue(x, buf);
        return new string(buf[..n]);
    }

    private static int FormatValue(double x, Span<char> dest)
    {
        Span<char> e = stackalloc char[40];
        // "E16" gives d.dddddddddddddddd (17 significant digits, correctly rounded) and an exponent of three or more digits.
        if (!Math.Abs(x).TryFormat(e, out int len, "E16", CultureInfo.InvariantCulture) || len < 22 || e[1] != '.' || e[18] != 'E')
            throw new InvalidOperationException("unreachable: unexpected E16 format of " + x.ToString("R", CultureInfo.InvariantCulture));
        int exp = int.Parse(e[19..len], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (x != 0) exp++;
        int k = 0;
        if (double.IsNegative(x)) dest[k++] = '-';
        dest[k++] = '0';
        dest[k++] = '.';
        dest[k++] = e[0];
        e.Slice(2, 16).CopyTo(dest[k..]);
        k += 16;
        dest[k++] = 'E';
        dest[k++] = exp < 0 ? '-' : '+';
        int ae = Math.Abs(exp);
        dest[k++] = (char)('0' + (ae / 100));
        dest[k++] = (char)('0' + (ae / 10 % 10));
        dest[k++] = (char)('0' + (ae % 10));
        return k;
    }

    private readonly record struct IntFormat(int PerCard, int Width)
    {
        public string Descriptor => string.Create(CultureInfo.InvariantCulture, $"({PerCard}I{Width})");
    }

    /// <summary>One column more than <paramref name="max"/> needs, so that fields are separated by a blank.</summary>
    private static IntFormat IntegerFormat(long max)
    {
        int width = max.ToString(CultureInfo.InvariantCulture).Length + 1;
        return new IntFormat(CardWidth / width, width);
    }

    private static long Cards(long count, int perCard) => (count + perCard - 1) / perCard;

    private static string I14(long v) => v.ToString(CultureInfo.InvariantCulture).PadLeft(14);

    private static void HeaderCard(TextWriter w, string text)
    {
        w.Write(text.PadRight(CardWidth));
        w.Write('\n');
    }

    private static void WriteIntegers(TextWriter w, IEnumerable<long> values, IntFormat f)
    {
        var card = new char[f.PerCard * f.Width];
        Span<char> digits = stackalloc char[24];
        int q = 0;
        foreach (long v in values)
        {
            v.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
            var field = card.AsSpan(q * f.Width, f.Width);
            field[..(f.Width - n)].Fill(' ');
            digits[..n].CopyTo(field[(f.Width - n)..]);
            if (++q == f.PerCard)
            {
                w.Write(card);
                w.Write('\n');
                q = 0;
            }
        }

        if (q > 0)
        {
            w.Write(card, 0, q * f.Width);
            w.Write('\n');
        }
    }

    private static void WriteReals(TextWriter w, ReadOnlySpan<double> values)
    {
        Span<char> card = stackalloc char[ValuesPerCard * ValueWidth];
        Span<char> text = stackalloc char[ValueWidth];
        int q = 0;
        foreach (double v in values)
        {
            int n = FormatValue(v, text);
            var field = card.Slice(q * ValueWidth, ValueWidth);
            field[..(ValueWidth - n)].Fill(' ');
            text[..n].CopyTo(field[(ValueWidth - n)..]);
            if (++q == ValuesPerCard)
            {
                w.Write(card);
                w.Write('\n');
                q = 0;
            }
        }

        if (q > 0)
        {
            w.Write(card[..(q * ValueWidth)]);
            w.Write('\n');
        }
    }

    private static void CheckText(string s, int max, string name)
    {
        if (s.Length > max)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} has {s.Length} characters; a Harwell-Boeing header holds at most {max}."), name);
        foreach (char c in s)
            if (c is < ' ' or > '~')
                throw new ArgumentException($"{name} must be printable ASCII (found U+{(int)c:X4}).", name);
    }

    private static void CheckFinite(ReadOnlySpan<double> v, string what, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a Harwell-Boeing file cannot hold NaN or infinite values ({what} {i} is {v[i]})."), name);
    }

    private static void CheckVectors(CsrMatrix a, double[]? rightHandSide, double[]? initialGuess, double[]? exactSolution)
    {
        if (rightHandSide is null)
        {
            if (initialGuess is not null || exactSolution is not null)
                throw new ArgumentException("a starting guess or exact solution can only be written together with a right-hand side (RHSTYP F, G, X).",
                    initialGuess is not null ? nameof(initialGuess) : nameof(exactSolution));
            return;
        }

        CheckLength(rightHandSide, a.Rows, nameof(rightHandSide));
        CheckFinite(rightHandSide, "right-hand-side entry", nameof(rightHandSide));
        if ((initialGuess is not null || exactSolution is not null) && a.Rows != a.Columns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Harwell-Boeing stores starting guesses and exact solutions with NROW = {a.Rows} entries, but the {a.Rows}×{a.Columns} matrix needs {a.Columns}."),
                initialGuess is not null ? nameof(initialGuess) : nameof(exactSolution));
        if (initialGuess is not null)
        {
            CheckLength(initialGuess, a.Rows, nameof(initialGuess));
            CheckFinite(initialGuess, "starting-guess entry", nameof(initialGuess));
        }

        if (exactSolution is not null)
        {
            CheckLength(exactSolution, a.Rows, nameof(exactSolution));
            CheckFinite(exactSolution, "exact-solution entry", nameof(exactSolution));
        }
    }

    private static void CheckLength(double[] v, int n, string name)
    {
        if (v.Length != n)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} has length {v.Length}, but the matrix has {n} rows."), name);
    }
}
