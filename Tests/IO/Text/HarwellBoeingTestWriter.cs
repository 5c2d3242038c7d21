using System.Globalization;
using System.Text;

namespace Solvers.Tests.IO.Text;

/// <summary>A Fortran edit descriptor for the test writer: its text, values per card, field width and how one value is written.</summary>
public sealed record HbField(string Descriptor, int PerLine, int Width, Func<double, string> Format)
{
    public static HbField Int(int perLine, int width) =>
        new($"({perLine}I{width})", perLine, width, v => ((long)v).ToString(CultureInfo.InvariantCulture));

    /// <summary><c>(rEw.d)</c> written as d.dddE+xxx (width d + 8 with the sign), so negative values can fill the field.</summary>
    public static HbField E(int perLine, int width, int digits, string prefix = "") =>
        new($"({prefix}{perLine}E{width}.{digits})", perLine, width,
            v => v.ToString("0." + new string('0', digits) + "E+000", CultureInfo.InvariantCulture));

    public static HbField D(int perLine, int width, int digits) =>
        new($"({perLine}D{width}.{digits})", perLine, width,
            v => v.ToString("0." + new string('0', digits) + "E+00", CultureInfo.InvariantCulture).Replace('E', 'D'));

    /// <summary>Fortran's exponent without a letter: <c>1.5000000-05</c>.</summary>
    public static HbField Letterless(int perLine, int width, int digits) =>
        new($"({perLine}E{width}.{digits})", perLine, width,
            v => v.ToString("0." + new string('0', digits) + "E+00", CultureInfo.InvariantCulture).Replace("E", "", StringComparison.Ordinal));

    public static HbField F(int perLine, int width, int digits) =>
        new($"({perLine}F{width}.{digits})", perLine, width, v => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
}

/// <summary>A matrix in Harwell-Boeing CSC form (1-based), as the test writer takes it.</summary>
public sealed record HbMatrix(string Type, int Rows, int Columns, int[] ColumnPointers, int[] RowIndices, double[]? Values)
{
    public string Title { get; init; } = "GENERATED TEST MATRIX";
    public string Key { get; init; } = "TESTKEY";
    public HbField Pointers { get; init; } = HbField.Int(16, 5);
    public HbField Indices { get; init; } = HbField.Int(16, 5);
    public HbField ValueField { get; init; } = HbField.E(4, 20, 12);
    public HbField RhsField { get; init; } = HbField.E(4, 20, 12);
    public string RhsType { get; init; } = "F";
    public double[]? Rhs { get; init; }
    public double[]? Guess { get; init; }
    public double[]? Exact { get; init; }
    public bool OmitRhsCardCount { get; init; }

    /// <summary>Builds the CSC arrays from 1-based (row, column, value) triplets.</summary>
    public static HbMatrix FromTriplets(string type, int rows, int columns, IReadOnlyList<(int Row, int Col, double Value)> entries, bool pattern = false)
    {
        var sorted = entries.OrderBy(e => e.Col).ThenBy(e => e.Row).ToList();
        var ptr = new int[columns + 1];
        ptr[0] = 1;
        foreach (var e in sorted) ptr[e.Col]++;
        for (int j = 1; j <= columns; j++) ptr[j] += ptr[j - 1];
        return new HbMatrix(type, rows, columns, ptr, [.. sorted.Select(e => e.Row)], pattern ? null : [.. sorted.Select(e => e.Value)]);
    }
}

/// <summary>The text of a generated file and where each data section starts (0-based line indices).</summary>
public sealed record HbText(List<string> Lines, int PointerLine, int IndexLine, int ValueLine, int RhsLine)
{
    public override string ToString() => string.Join("\n", Lines) + "\n";
}

/// <summary>A small Harwell-Boeing / Rutherford-Boeing writer for the REL §11.4 corpus (fixed columns, fields cut by width).</summary>
public static class HarwellBoeingTestWriter
{
    public static HbText Write(HbMatrix m)
    {
        var ptr = Cards(m.ColumnPointers.Select(v => (double)v), m.Pointers);
        var ind = Cards(m.RowIndices.Select(v => (double)v), m.Indices);
        var val = m.Values is null ? [] : Cards(m.Values, m.ValueField);
        var rhs = new List<string>();
        string rhsType = "";
        if (m.Rhs is not null)
        {
            rhs.AddRange(Cards(m.Rhs, m.RhsField));
            rhsType = m.RhsType.PadRight(1);
            rhsType += m.Guess is not null ? "G" : " ";
            rhsType += m.Exact is not null ? "X" : " ";
            if (m.Guess is not null) rhs.AddRange(Cards(m.Guess, m.RhsField));
            if (m.Exact is not null) rhs.AddRange(Cards(m.Exact, m.RhsField));
        }

        var lines = new List<string>
        {
            m.Title.PadRight(72)[..72] + m.Key.PadRight(8)[..8],
            I14(ptr.Count + ind.Count + val.Count + rhs.Count) + I14(ptr.Count) + I14(ind.Count) + I14(val.Count) + (m.OmitRhsCardCount ? "" : I14(rhs.Count)),
            m.Type.PadRight(14) + I14(m.Rows) + I14(m.Columns) + I14(m.RowIndices.Length) + I14(0),
            (m.Pointers.Descriptor.PadRight(16) + m.Indices.Descriptor.PadRight(16) + (m.Values is null ? "" : m.ValueField.Descriptor).PadRight(20)
                + (m.Rhs is null ? "" : m.RhsField.Descriptor).PadRight(20)).TrimEnd(),
        };
        if (m.Rhs is not null) lines.Add(rhsType.PadRight(14) + I14(1) + I14(0));
        int p0 = lines.Count;
        lines.AddRange(ptr);
        int i0 = lines.Count;
        lines.AddRange(ind);
        int v0 = lines.Count;
        lines.AddRange(val);
        int r0 = lines.Count;
        lines.AddRange(rhs);
        return new HbText(lines, p0, i0, v0, r0);
    }

    private static string I14(long v) => v.ToString(CultureInfo.InvariantCulture).PadLeft(14);

    private static List<string> Cards(IEnumerable<double> values, HbField f)
    {
        var cards = new List<string>();
        var sb = new StringBuilder();
        int k = 0;
        foreach (double v in values)
        {
            string s = f.Format(v);
            if (s.Length > f.Width) throw new InvalidOperationException($"'{s}' does not fit width {f.Width}");
            sb.Append(s.PadLeft(f.Width));
            if (++k == f.PerLine)
            {
                cards.Add(sb.ToString());
                sb.Clear();
                k = 0;
            }
        }

        if (k > 0) cards.Add(sb.ToString());
        return cards;
    }

    /// <summary>The same matrix as Matrix Market text (symmetric types keep their stored triangle), for the expected values.</summary>
    public static string ToMatrixMarket(HbMatrix m)
    {
        char t0 = char.ToUpperInvariant(m.Type[0]), t1 = char.ToUpperInvariant(m.Type[1]);
        string field = t0 switch { 'P' => "pattern", 'I' => "integer", _ => "real" };
        string symmetry = t1 switch { 'S' => "symmetric", 'Z' => "skew-symmetric", _ => "general" };
        var sb = new StringBuilder($"%%MatrixMarket matrix coordinate {field} {symmetry}\n");
        sb.Append(CultureInfo.InvariantCulture, $"{m.Rows} {m.Columns} {m.RowIndices.Length}\n");
        for (int j = 0; j < m.Columns; j++)
        {
            for (int p = m.ColumnPointers[j] - 1; p < m.ColumnPointers[j + 1] - 1; p++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{m.RowIndices[p]} {j + 1}");
                if (m.Values is not null) sb.Append(' ').Append(m.Values[p].ToString("R", CultureInfo.InvariantCulture));
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }
}
