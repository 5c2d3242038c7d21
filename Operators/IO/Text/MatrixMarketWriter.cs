using System.Globalization;
using System.Text;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>
/// Writes Matrix Market files with shortest round-trip number formatting ("R"), so that reading a written file gives
/// bit-identical values. Each file is written to a temporary file in the same directory and then renamed over the target.
/// </summary>
public static class MatrixMarketWriter
{
    /// <summary>
    /// Writes a sparse matrix as <c>matrix coordinate real general</c>, or, when <paramref name="symmetric"/> is true and
    /// A is exactly symmetric, its lower triangle as <c>matrix coordinate real symmetric</c> (otherwise general).
    /// Explicit zeros are written as stored.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static void Write(string path, CsrMatrix a, string? comment = null, bool symmetric = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(a);
        CheckFinite(a.Values, nameof(a));
        bool sym = symmetric && a.Rows == a.Columns && a.IsSymmetric(0);
        WriteAtomically(path, w =>
        {
            w.Write("%%MatrixMarket matrix coordinate real ");
            w.Write(sym ? "symmetric\n" : "general\n");
            WriteComment(w, comment);
            var rp = a.RowPointers;
            var ci = a.ColumnIndices;
            var v = a.Values;
            long count = 0;
            for (int i = 0; i < a.Rows; i++)
                for (int p = rp[i]; p < rp[i + 1]; p++)
                    if (!sym || ci[p] <= i) count++;
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{a.Rows} {a.Columns} {count}\n"));
            var sb = new StringBuilder(64);
            for (int i = 0; i < a.Rows; i++)
            {
                for (int p = rp[i]; p < rp[i + 1]; p++)
                {
                    if (sym && ci[p] > i) continue;
                    sb.Clear();
                    sb.Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(' ')
                      .Append((ci[p] + 1).ToString(CultureInfo.InvariantCulture)).Append(' ')
                      .Append(Format(v[p])).Append('\n');
                    w.Write(sb);
                }
            }
        });
    }

    /// <summary>Writes a vector as <c>matrix array real general</c> with one column.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static void WriteVector(string path, ReadOnlySpan<double> v, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckFinite(v, nameof(v));
        var copy = v.ToArray();
        WriteAtomically(path, w =>
        {
            w.Write("%%MatrixMarket matrix array real general\n");
            WriteComment(w, comment);
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{copy.Length} 1\n"));
            foreach (double x in copy)
            {
                w.Write(Format(x));
                w.Write('\n');
            }
        });
    }

    /// <summary>Writes a dense row-major matrix as <c>matrix array real general</c> (values column by column).</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static void WriteDense(string path, double[,] a, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(a);
        int m = a.GetLength(0), n = a.GetLength(1);
        foreach (double x in a)
            if (!double.IsFinite(x)) throw new ArgumentException("Matrix Market cannot hold NaN or infinite values.", nameof(a));
        WriteAtomically(path, w =>
        {
            w.Write("%%MatrixMarket matrix array real general\n");
            WriteComment(w, comment);
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{m} {n}\n"));
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    w.Write(Format(a[i, j]));
                    w.Write('\n');
                }
            }
        });
    }

    /// <summary>Shortest text that parses back to the same double.</summary>
    internal static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static void CheckFinite(ReadOnlySpan<double> v, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Matrix Market cannot hold NaN or infinite values (entry {i} is {v[i]})."), name);
    }

    private static void WriteComment(TextWriter w, string? comment)
    {
        if (string.IsNullOrEmpty(comment)) return;
        foreach (var line in comment.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            w.Write('%');
            if (line.Length > 0) { w.Write(' '); w.Write(line); }
            w.Write('\n');
        }
    }

    /// <summary>Writes through <paramref name="body"/> to a temporary file next to <paramref name="path"/> (LF line ends, UTF-8 without BOM), then renames it into place.</summary>
    internal static void WriteAtomically(string path, Action<TextWriter> body)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var w = new StreamWriter(fs, new UTF8Encoding(false), 1 << 16))
            {
                w.NewLine = "\n";
                body(w);
                w.Flush();
                fs.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
