using System.Diagnostics;
using System.Globalization;
using System.Text;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>
/// Reads assembled Harwell-Boeing and Rutherford-Boeing files (PS §10.7, REL §9): fixed-column header, fields cut by
/// the widths of the Fortran edit descriptors, <c>D</c> and letterless exponents, short lines, and the card counts
/// checked against the data. Every failure is a <see cref="ProblemFileException"/> with its line.
/// </summary>
/// <remarks>
/// Error kinds: header, descriptor, number and card-count faults and truncation are
/// <see cref="ProblemFileError.Malformed"/>; complex (C), elemental (E) and RHS type M are
/// <see cref="ProblemFileError.UnsupportedFeature"/>; decreasing pointers, pointer bounds, row indices outside
/// 1..NROW and entries in the wrong triangle of S/Z matrices are <see cref="ProblemFileError.InvalidSparseStructure"/>;
/// overflowing values are <see cref="ProblemFileError.NonFiniteValue"/>; sizes past 2³¹ or the memory budget are
/// <see cref="ProblemFileError.LimitExceeded"/>.
/// </remarks>
public static class HarwellBoeingReader
{
    /// <summary>The importer name recorded in <c>meta@importer</c>.</summary>
    public static string ImporterName { get; } =
        "Solvers.IO.Text.HarwellBoeingReader " + (typeof(HarwellBoeingReader).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>Reads a Harwell-Boeing / Rutherford-Boeing file.</summary>
    /// <exception cref="ProblemFileException">The file is missing, malformed or unsupported.</exception>
    public static HarwellBoeingData Read(string path, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = TextErrors.OpenRead(path);
        return Read(stream, path, options, ct);
    }

    /// <summary>Reads Harwell-Boeing text from a stream (read to its end).</summary>
    /// <exception cref="ProblemFileException">The input is malformed or unsupported.</exception>
    public static HarwellBoeingData Read(Stream stream, string fileNameForMessages, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileNameForMessages);
        var o = options ?? new TextImportOptions();
        if (o.MemoryBudgetBytes <= 0) throw new ArgumentException("MemoryBudgetBytes must be positive.", nameof(options));
        using var reader = new TextLineReader(stream, fileNameForMessages, ct);
        return TextErrors.Guard(fileNameForMessages, () => reader.LineNumber, () => new Parser(reader, o).Parse());
    }

    /// <summary>
    /// Reads the matrix as a <see cref="LinearProblem"/> (Id "000000", Name from the key or the file stem). b, x0 and
    /// x_exact come from the RHS block when present; otherwise b = A·1 and x_exact = 1, with a warning.
    /// </summary>
    /// <exception cref="ProblemFileException">The file is missing, malformed or unsupported; a pattern matrix without
    /// <see cref="TextImportOptions.PatternValuesOne"/> is <see cref="ProblemFileError.UnsupportedFeature"/>.</exception>
    public static LinearProblem ReadProblem(string path, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var o = options ?? new TextImportOptions();
        var sw = Stopwatch.StartNew();
        var d = Read(path, o, ct);
        if (d.IsPattern && !o.PatternValuesOne)
            throw TextErrors.Make(path, ProblemFileError.UnsupportedFeature, 3,
                "pattern matrix has no values; pass --pattern-values one to give every stored entry the value 1.0");
        var warnings = new List<string>(d.Warnings);
        double[,]? b = d.RightHandSide is { } rhs ? LinearProblem.AsBlock(rhs) : null;
        double[,]? x = d.ExactSolution is { } xs && xs.Length == d.Matrix.Columns ? LinearProblem.AsBlock(xs) : null;
        double[,]? x0 = d.InitialGuess is { } g && g.Length == d.Matrix.Columns ? LinearProblem.AsBlock(g) : null;
        if (d.RightHandSideCount > 1) warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the file has {d.RightHandSideCount} right-hand sides; only the first is used"));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = d.Title,
            ["key"] = d.Key,
            ["type"] = d.TypeCode,
        };
        string name = d.Key.Length > 0 ? d.Key : Path.GetFileNameWithoutExtension(path);
        return ProblemFactory.Create(path, "harwell-boeing", ImporterName, d.Matrix, name, b, x, x0, d.IsSymmetric,
            warnings, d.Sha256, meta, d.BytesRead, sw.Elapsed);
    }

    private sealed class Parser
    {
        private readonly TextLineReader _r;
        private readonly TextImportOptions _o;
        private readonly string _file;
        private readonly List<string> _warnings = [];

        public Parser(TextLineReader reader, TextImportOptions options)
        {
            _r = reader;
            _o = options;
            _file = reader.File;
        }

        private long Line => Math.Max(1, _r.LineNumber);

        private ProblemFileException Err(ProblemFileError e, string reason, long? line = null) => TextErrors.Make(_file, e, line ?? Line, reason);

        private ReadOnlySpan<byte> NextHeaderLine(string what)
        {
            if (!_r.MoveNext()) throw Err(ProblemFileError.Malformed, $"truncated header: {what} missing", _r.LineNumber + 1);
            return _r.Current;
        }

        private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int start, int width)
        {
            if (start >= line.Length) return [];
            return line.Slice(start, Math.Min(width, line.Length - start));
        }

        private static string Text(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s).Trim();

        /// <summary>Integers in I14 fields from column <paramref name="start"/>; falls back to whitespace-separated tokens.</summary>
        private long[] HeaderInts(ReadOnlySpan<byte> line, int start, int count, int required, string names)
        {
            var result = new long[count];
            bool ok = true;
            for (int k = 0; k < count && ok; k++)
            {
                var f = Field(line, start + (14 * k), 14).Trim(" \t"u8);
                if (f.IsEmpty) ok = k >= required;
                else ok = long.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result[k]);
            }

            if (!ok)
            {
                var rest = start < line.Length ? Encoding.UTF8.GetString(line[start..]) : "";
                var tokens = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length < required || tokens.Length > count)
                    throw Err(ProblemFileError.Malformed, $"expected {names} in 14-column integer fields");
                Array.Clear(result);
                for (int k = 0; k < tokens.Length; k++)
                {
                    if (!long.TryParse(tokens[k], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result[k]))
                        throw Err(ProblemFileError.Malformed, $"'{tokens[k]}' is not an integer (expected {names})");
                }

                _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"header line {_r.LineNumber} is not in fixed 14-column fields; read by whitespace"));
            }

            for (int k = 0; k < count; k++)
                if (result[k] < 0) throw Err(ProblemFileError.Malformed, $"negative value {result[k]} among {names}");
            return result;
        }

        private FortranFormat ParseFormat(string text, string what, long line)
        {
            if (text.Length == 0) throw Err(ProblemFileError.Malformed, $"{what} format missing", line);
            if (!FortranFormat.TryParse(text, out var f, out string error)) throw Err(ProblemFileError.Malformed, $"{what} format: {error}", line);
            return f;
        }

        private static List<string> FormatGroups(string line4)
        {
            var groups = new List<string>();
            int i = 0;
            while (i < line4.Length)
            {
                int open = line4.IndexOf('(', i);
                if (open < 0) break;
                int close = line4.IndexOf(')', open);
                if (close < 0) { groups.Add(line4[open..]); break; }
                groups.Add(line4[open..(close + 1)]);
                i = close + 1;
            }

            return groups;
        }

        public HarwellBoeingData Parse()
        {
            // Line 1: title and key.
            var l1 = NextHeaderLine("title line");
            string title = Text(Field(l1, 0, 72)), key = Text(Field(l1, 72, 8));

            // Line 2: card counts.
            var l2 = NextHeaderLine("card-count line");
            var cards = HeaderInts(l2, 0, 5, 4, "TOTCRD PTRCRD INDCRD VALCRD [RHSCRD]");
            long totcrd = cards[0], ptrcrd = cards[1], indcrd = cards[2], valcrd = cards[3], rhscrd = cards[4];
            if (totcrd != ptrcrd + indcrd + valcrd + rhscrd)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"card counts disagree: TOTCRD {totcrd} ≠ PTRCRD {ptrcrd} + INDCRD {indcrd} + VALCRD {valcrd} + RHSCRD {rhscrd}"));

            // Line 3: type and sizes.
            var l3 = NextHeaderLine("type line");
            string type = Text(Field(l3, 0, 3)).ToUpperInvariant();
            if (type.Length != 3) throw Err(ProblemFileError.Malformed, $"MXTYPE '{type}' must have three letters");
            var sizes = HeaderInts(l3, 14, 4, 3, "NROW NCOL NNZERO [NELTVL]");
            char t0 = type[0], t1 = type[1], t2 = type[2];
            if (t0 == 'C') throw Err(ProblemFileError.UnsupportedFeature, $"complex matrix (MXTYPE {type}) is not supported in v1");
            if (t0 is not ('R' or 'P' or 'I')) throw Err(ProblemFileError.Malformed, $"MXTYPE {type}: letter 1 must be R, P, I or C");
            if (t1 is not ('S' or 'U' or 'Z' or 'R' or 'H')) throw Err(ProblemFileError.Malformed, $"MXTYPE {type}: letter 2 must be S, U, Z, R or H");
            if (t2 == 'E') throw Err(ProblemFileError.UnsupportedFeature, $"elemental matrix (MXTYPE {type}) is not supported; assemble it first");
            if (t2 != 'A') throw Err(ProblemFileError.Malformed, $"MXTYPE {type}: letter 3 must be A (assembled) or E (elemental)");
            if (t1 == 'H') _warnings.Add($"MXTYPE {type}: hermitian with real values read as symmetric");
            bool pattern = t0 == 'P';
            bool symmetric = t1 is 'S' or 'H', skew = t1 == 'Z';
            long nrowL = sizes[0], ncolL = sizes[1], nnzL = sizes[2];
            if (nrowL >= int.MaxValue || ncolL >= int.MaxValue || nrowL >= Array.MaxLength || ncolL >= Array.MaxLength)
                throw Err(ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"dimensions {nrowL}×{ncolL}: 2^31 or more"));
            int nrow = (int)nrowL, ncol = (int)ncolL;
            if ((symmetric || skew) && nrow != ncol)
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"MXTYPE {type} needs a square matrix, not {nrow}×{ncol}"));
            long capacity = symmetric ? (long)nrow * (nrow + 1) / 2 : skew ? (long)nrow * (nrow - 1) / 2 : (long)nrow * ncol;
            if (nnzL > capacity)
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"NNZERO {nnzL} exceeds the {capacity} entries the {nrow}×{ncol} {type} storage can hold"));
            if (nnzL >= int.MaxValue) throw Err(ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"NNZERO {nnzL} is 2^31 or more"));
            int nnz = (int)nnzL;
            long need = TextAssembly.AssemblyBytes(Math.Max(nrow, ncol), (long)nnz * (symmetric || skew ? 2 : 1));
            if (need > _o.MemoryBudgetBytes)
                throw Err(ProblemFileError.LimitExceeded,
                    string.Create(CultureInfo.InvariantCulture, $"the matrix needs {need} bytes, more than the memory budget of {_o.MemoryBudgetBytes} bytes (MemoryBudgetBytes, --max-memory)"));
            long line3 = _r.LineNumber;

            // Line 4: formats.
            var l4raw = NextHeaderLine("format line");
            long line4 = _r.LineNumber;
            string l4 = Encoding.UTF8.GetString(l4raw);
            string[] fmt = [Text(Field(l4raw, 0, 16)), Text(Field(l4raw, 16, 16)), Text(Field(l4raw, 32, 20)), Text(Field(l4raw, 52, 20))];
            bool aligned = true;
            foreach (var f in fmt)
                if (f.Length > 0 && (f[0] != '(' || f[^1] != ')')) aligned = false;
            if (!aligned)
            {
                var groups = FormatGroups(l4);
                fmt = ["", "", "", ""];
                for (int k = 0; k < Math.Min(groups.Count, 4); k++) fmt[k] = groups[k].Trim();
                _warnings.Add("format line is not in fixed columns (A16, A16, A20, A20); formats read in order");
            }

            var ptrFmt = ParseFormat(fmt[0], "pointer", line4);
            var indFmt = ParseFormat(fmt[1], "row index", line4);
            if (!ptrFmt.IsInteger || !indFmt.IsInteger) throw Err(ProblemFileError.Malformed, "pointer and row index formats must be integer (I) descriptors", line4);
            FortranFormat valFmt = default;
            if (!pattern) valFmt = ParseFormat(fmt[2], "value", line4);
            else if (valcrd != 0) throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"pattern matrix declares VALCRD {valcrd} value cards"), 2);

            // Line 5: right-hand sides.
            int nrhs = 0;
            bool hasGuess = false, hasExact = false;
            FortranFormat rhsFmt = default;
            if (rhscrd > 0)
            {
                var l5 = NextHeaderLine("right-hand-side line");
                string rhstyp = Encoding.UTF8.GetString(Field(l5, 0, 3)).ToUpperInvariant().PadRight(3);
                if (rhstyp[0] == 'M') throw Err(ProblemFileError.UnsupportedFeature, "right-hand sides of type M (stored like the matrix) are not supported");
                if (rhstyp[0] != 'F') throw Err(ProblemFileError.Malformed, $"RHSTYP '{rhstyp.Trim()}': letter 1 must be F or M");
                hasGuess = rhstyp[1] == 'G';
                hasExact = rhstyp[2] == 'X';
                var r = HeaderInts(l5, 14, 2, 1, "NRHS [NRHSIX]");
                if (r[0] > 1000) throw Err(ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"NRHS {r[0]} is more than 1000"));
                nrhs = (int)r[0];
                rhsFmt = ParseFormat(fmt[3], "right-hand side", line4);
                long blockBytes = (long)nrow * nrhs * sizeof(double) * 3;
                if (blockBytes + need > _o.MemoryBudgetBytes)
                    throw Err(ProblemFileError.LimitExceeded, "the right-hand sides exceed the memory budget (MemoryBudgetBytes, --max-memory)");
            }

            // Card counts versus the data they must hold.
            CheckCards(ptrcrd, (long)ncol + 1, ptrFmt, "PTRCRD", "pointers");
            CheckCards(indcrd, nnz, indFmt, "INDCRD", "row indices");
            if (!pattern) CheckCards(valcrd, nnz, valFmt, "VALCRD", "values");
            if (rhscrd > 0)
            {
                long per = Cards((long)nrow * nrhs, rhsFmt);
                long expected = per * (1 + (hasGuess ? 1 : 0) + (hasExact ? 1 : 0));
                if (expected != rhscrd)
                    throw Err(ProblemFileError.Malformed,
                        string.Create(CultureInfo.InvariantCulture, $"card counts disagree with the data: RHSCRD is {rhscrd}, but the right-hand-side blocks in {rhsFmt} need {expected} cards"), 2);
            }

            // Pointers.
            long ptrLine = _r.LineNumber + 1;
            var ptr = ReadInts((long)ncol + 1, ptrFmt, "pointer");
            if (ptr[0] != 1) throw Err(ProblemFileError.InvalidSparseStructure, string.Create(CultureInfo.InvariantCulture, $"the first column pointer is {ptr[0]}, not 1"), ptrLine);
            for (int j = 0; j < ncol; j++)
            {
                if (ptr[j + 1] < ptr[j])
                    throw Err(ProblemFileError.InvalidSparseStructure,
                        string.Create(CultureInfo.InvariantCulture, $"column pointers decrease at column {j + 1} ({ptr[j]} > {ptr[j + 1]})"), ptrLine + ((j + 1) / ptrFmt.PerLine));
            }

            if (ptr[ncol] != (long)nnz + 1)
                throw Err(ProblemFileError.InvalidSparseStructure,
                    string.Create(CultureInfo.InvariantCulture, $"the last column pointer is {ptr[ncol]}, but NNZERO + 1 = {nnz + 1}"), ptrLine + (ncol / ptrFmt.PerLine));

            // Row indices.
            long indLine = _r.LineNumber + 1;
            var ind = ReadInts(nnz, indFmt, "row index");
            for (int p = 0; p < nnz; p++)
            {
                if (ind[p] < 1 || ind[p] > nrow)
                    throw Err(ProblemFileError.InvalidSparseStructure,
                        string.Create(CultureInfo.InvariantCulture, $"row index {ind[p]} (entry {p + 1}) is outside 1..{nrow}"), indLine + (p / indFmt.PerLine));
            }

            // Values.
            double[] values;
            int zeros = 0;
            if (pattern)
            {
                values = new double[nnz];
                Array.Fill(values, 1.0);
            }
            else
            {
                values = ReadReals(nnz, valFmt, "value", t0 == 'I');
                foreach (double v in values)
                    if (v == 0) zeros++;
            }

            // Right-hand sides.
            double[]? rhs = null, guess = null, exact = null;
            if (rhscrd > 0)
            {
                rhs = FirstVector(ReadReals((long)nrow * nrhs, rhsFmt, "right-hand side", false), nrow);
                if (hasGuess) guess = FirstVector(ReadReals((long)nrow * nrhs, rhsFmt, "starting guess", false), nrow);
                if (hasExact) exact = FirstVector(ReadReals((long)nrow * nrhs, rhsFmt, "exact solution", false), nrow);
            }

            while (_r.MoveNext())
            {
                if (!TextParsing.IsBlank(_r.Current))
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"too long: a non-blank line after the {totcrd} data cards"));
            }

            // Assemble CSC → CSR.
            var rows = new int[nnz];
            var cols = new int[nnz];
            int kept = 0;
            for (int j = 0; j < ncol; j++)
            {
                for (int p = ptr[j] - 1; p < ptr[j + 1] - 1; p++)
                {
                    int i = ind[p] - 1;
                    if (symmetric && i < j)
                        throw Err(ProblemFileError.InvalidSparseStructure,
                            string.Create(CultureInfo.InvariantCulture, $"entry ({i + 1}, {j + 1}) lies above the diagonal of a symmetric matrix (only the lower triangle is stored)"),
                            indLine + (p / indFmt.PerLine));
                    if (skew && i <= j)
                        throw Err(ProblemFileError.InvalidSparseStructure,
                            string.Create(CultureInfo.InvariantCulture, $"entry ({i + 1}, {j + 1}) lies on or above the diagonal of a skew-symmetric matrix"),
                            indLine + (p / indFmt.PerLine));
                    if (_o.DropExplicitZeros && !pattern && values[p] == 0) continue;
                    rows[kept] = i;
                    cols[kept] = j;
                    values[kept] = values[p];
                    kept++;
                }
            }

            var props = symmetric ? OperatorProperties.Symmetric : OperatorProperties.None;
            var a = CsrMatrix.FromCoordinates(nrow, ncol, rows.AsSpan(0, kept), cols.AsSpan(0, kept), values.AsSpan(0, kept), sumDuplicates: true,
                out int dups, symmetric || skew ? OperatorProperties.None : props);
            if (symmetric || skew)
            {
                if (TextAssembly.MirroredCount(a) > int.MaxValue - 1) throw Err(ProblemFileError.LimitExceeded, "the mirrored matrix has 2^31 or more entries");
                a = TextAssembly.MirrorTriangle(a, skew, props);
            }

            if (TextAssembly.FirstNonFinite(a.Values) >= 0) throw Err(ProblemFileError.NonFiniteValue, "summing duplicate entries overflowed to ±∞", line3);
            if (dups > 0) _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{dups} duplicate entries summed"));
            if (zeros > 0)
                _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{zeros} explicit zero entries {(_o.DropExplicitZeros ? "dropped (DropExplicitZeros)" : "kept as structure")}"));
            return new HarwellBoeingData(a)
            {
                Title = title,
                Key = key,
                TypeCode = type,
                RightHandSide = rhs,
                InitialGuess = guess,
                ExactSolution = exact,
                RightHandSideCount = nrhs,
                DeclaredEntries = nnz,
                DuplicatesSummed = dups,
                ExplicitZeros = zeros,
                IsPattern = pattern,
                IsSymmetric = symmetric,
                Warnings = _warnings,
                Sha256 = _r.FinishHash(),
                BytesRead = _r.BytesRead,
            };
        }

        private static double[] FirstVector(double[] block, int n) => block.Length == n ? block : block.AsSpan(0, n).ToArray();

        private static long Cards(long count, FortranFormat f) => (count + f.PerLine - 1) / f.PerLine;

        private void CheckCards(long declared, long count, FortranFormat f, string name, string what)
        {
            long expected = Cards(count, f);
            if (declared != expected)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"card counts disagree with the data: {name} is {declared}, but {count} {what} in {f} need {expected} cards"), 2);
        }

        private ReadOnlySpan<byte> NextCard(string what)
        {
            if (!_r.MoveNext()) throw Err(ProblemFileError.Malformed, $"truncated: the file ends inside the {what} cards", _r.LineNumber + 1);
            return _r.Current;
        }

        private int[] ReadInts(long count, FortranFormat f, string what)
        {
            var result = new List<int>((int)Math.Min(count, 1 << 20));
            while (result.Count < count)
            {
                var card = NextCard(what + (what.EndsWith('x') ? "es" : "s"));
                int take = (int)Math.Min(f.PerLine, count - result.Count);
                for (int q = 0; q < take; q++)
                {
                    var field = Field(card, q * f.Width, f.Width).Trim(" "u8);
                    if (field.IsEmpty)
                        throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"missing {what} in field {q + 1} (the line is shorter than {f})"));
                    if (!long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                        throw Err(ProblemFileError.Malformed, $"{what} '{TextParsing.Show(field)}' in field {q + 1} is not an integer");
                    if (v > int.MaxValue || v < int.MinValue)
                        throw Err(ProblemFileError.Malformed, $"{what} {v} does not fit a 32-bit index");
                    result.Add((int)v);
                }
            }

            return [.. result];
        }

        private double[] ReadReals(long count, FortranFormat f, string what, bool integerType)
        {
            var result = new List<double>((int)Math.Min(count, 1 << 20));
            while (result.Count < count)
            {
                var card = NextCard(what + "s");
                int take = (int)Math.Min(f.PerLine, count - result.Count);
                for (int q = 0; q < take; q++)
                {
                    var field = Field(card, q * f.Width, f.Width);
                    var trimmed = field.Trim(" "u8);
                    if (trimmed.IsEmpty)
                        throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"missing {what} in field {q + 1} (the line is shorter than {f})"));
                    double v;
                    if (f.IsInteger || integerType && IsSignedDigits(trimmed))
                    {
                        v = TextParsing.ParseIntegerValue(trimmed, false, _file, Line);
                    }
                    else if (!f.TryParseReal(field, out v))
                    {
                        throw Err(ProblemFileError.Malformed, $"{what} '{TextParsing.Show(trimmed)}' in field {q + 1} is not a number for {f}");
                    }

                    if (!double.IsFinite(v))
                        throw Err(ProblemFileError.NonFiniteValue, $"{what} '{TextParsing.Show(trimmed)}' overflows double precision (±∞)");
                    result.Add(v);
                }
            }

            return [.. result];
        }

        private static bool IsSignedDigits(ReadOnlySpan<byte> s)
        {
            if (s.Length > 0 && s[0] is (byte)'+' or (byte)'-') s = s[1..];
            if (s.IsEmpty) return false;
            foreach (byte b in s)
                if (!TextParsing.IsDigit(b)) return false;
            return true;
        }
    }
}
