using System.Diagnostics;
using System.Globalization;
using System.Text;
using Solvers.Operators;

namespace Solvers.IO.Text;

/// <summary>
/// Reads Matrix Market files (PS §10.6, REL §9), including the permissive variants (with warnings) and, behind explicit
/// flags, header-less and triplet files. Every failure is a <see cref="ProblemFileException"/> with its 1-based
/// <see cref="ProblemFileException.Line"/>; <see cref="OperationCanceledException"/> passes through.
/// </summary>
/// <remarks>
/// Error kinds: a bad banner prefix or token count, bad tokens on a line, index out of range or integer overflow,
/// truncation and extra lines are <see cref="ProblemFileError.Malformed"/>; an unknown banner token or an invalid
/// combination (pattern array, pattern skew-symmetric, non-general vector) and a missing <c>--symmetry</c> for a
/// lower-triangle-only tolerant file are <see cref="ProblemFileError.SchemaViolation"/>; complex values are
/// <see cref="ProblemFileError.UnsupportedFeature"/>; a missing banner without a tolerant flag is
/// <see cref="ProblemFileError.UnsupportedFormat"/>; dimensions ≥ 2³¹, integer values above 2⁵³, lines above 1 MiB and
/// the memory budget are <see cref="ProblemFileError.LimitExceeded"/>; <c>nan</c>/<c>inf</c> tokens and overflowing
/// literals are <see cref="ProblemFileError.NonFiniteValue"/>. A symmetric coordinate entry above the diagonal (or a
/// skew-symmetric entry on or above it) is <see cref="ProblemFileError.Malformed"/> with the entry's line.
/// </remarks>
public static class MatrixMarketReader
{
    /// <summary>The importer name recorded in <c>meta@importer</c>.</summary>
    public static string ImporterName { get; } =
        "Solvers.IO.Text.MatrixMarketReader " + (typeof(MatrixMarketReader).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>Reads a Matrix Market file.</summary>
    /// <exception cref="ProblemFileException">The file is missing, malformed or unsupported.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (both tolerant modes, index base other than 0 or 1, unknown symmetry).</exception>
    public static MatrixMarketData Read(string path, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ValidateOptions(options ?? new TextImportOptions());
        using var stream = TextErrors.OpenRead(path);
        return Read(stream, path, options, ct);
    }

    /// <summary>Reads Matrix Market text from a stream (read to its end).</summary>
    /// <param name="stream">The input.</param>
    /// <param name="fileNameForMessages">The name used in error messages and <see cref="ProblemFileException.FilePath"/>.</param>
    /// <param name="options">Import options; null for the defaults.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="ProblemFileException">The input is malformed or unsupported.</exception>
    public static MatrixMarketData Read(Stream stream, string fileNameForMessages, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileNameForMessages);
        var o = options ?? new TextImportOptions();
        ValidateOptions(o);
        using var reader = new TextLineReader(stream, fileNameForMessages, ct);
        return TextErrors.Guard(fileNameForMessages, () => reader.LineNumber, () => new Parser(reader, o).Parse());
    }

    /// <summary>
    /// Reads a Matrix Market matrix as a <see cref="LinearProblem"/> (Id "000000"). Companion files
    /// <c>&lt;stem&gt;_b.mtx</c> and <c>&lt;stem&gt;_x.mtx</c> next to it become b and x_exact; without them
    /// b = A·1 and x_exact = 1, with a warning.
    /// </summary>
    /// <exception cref="ProblemFileException">The file (or a companion) is missing, malformed or unsupported; a pattern
    /// matrix without <see cref="TextImportOptions.PatternValuesOne"/> is <see cref="ProblemFileError.UnsupportedFeature"/>.</exception>
    public static LinearProblem ReadProblem(string path, TextImportOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var o = options ?? new TextImportOptions();
        var sw = Stopwatch.StartNew();
        var d = Read(path, o, ct);
        if (d.Matrix is null)
            throw TextErrors.Make(path, ProblemFileError.SchemaViolation, 1, "the file holds a vector, not a matrix; it can only be a companion (b or x_exact)");
        if (d.IsPattern && !o.PatternValuesOne)
            throw TextErrors.Make(path, ProblemFileError.UnsupportedFeature, 1,
                "pattern matrix has no values; pass --pattern-values one to give every stored entry the value 1.0");

        var warnings = new List<string>(d.Warnings);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string stem = Path.GetFileNameWithoutExtension(path);
        var companionOptions = new TextImportOptions { MemoryBudgetBytes = o.MemoryBudgetBytes };
        double[,]? b = ReadCompanion(Path.Combine(dir, stem + "_b.mtx"), d.Matrix.Rows, companionOptions, ct);
        double[,]? x = ReadCompanion(Path.Combine(dir, stem + "_x.mtx"), d.Matrix.Columns, companionOptions, ct);

        string name = d.Metadata.TryGetValue("name", out var n) && n.Length > 0 ? n : stem;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in d.Metadata)
            if (kv.Key != "name") meta[kv.Key] = kv.Value;
        bool symmetric = d.Symmetry == "symmetric" || (d.Matrix.Properties & OperatorProperties.Symmetric) != 0;
        return ProblemFactory.Create(path, "matrix-market", ImporterName, d.Matrix, name, b, x, null, symmetric,
            warnings, d.Sha256, meta, d.BytesRead, sw.Elapsed);
    }

    private static double[,]? ReadCompanion(string path, int length, TextImportOptions options, CancellationToken ct)
    {
        if (!File.Exists(path)) return null;
        var c = Read(path, options, ct);
        double[,] block;
        if (c.Vector is not null && c.Dense is null)
        {
            block = LinearProblem.AsBlock(c.Vector);
        }
        else if (c.Matrix is not null)
        {
            var dense = c.Dense ?? c.Matrix.ToDense();
            int k = dense.GetLength(1);
            block = new double[k, dense.GetLength(0)];
            for (int i = 0; i < dense.GetLength(0); i++)
                for (int j = 0; j < k; j++) block[j, i] = dense[i, j];
        }
        else
        {
            throw TextErrors.Make(path, ProblemFileError.SchemaViolation, 1, "companion file holds neither a vector nor a matrix");
        }

        if (block.GetLength(1) != length)
            throw TextErrors.Make(path, ProblemFileError.ShapeMismatch, 1,
                string.Create(CultureInfo.InvariantCulture, $"companion vector has length {block.GetLength(1)}, but the matrix needs {length}"));
        return block;
    }

    internal static void ValidateOptions(TextImportOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.NoBanner && o.Triplets) throw new ArgumentException("NoBanner (--mm-no-banner) and Triplets (--triplets) exclude each other.", nameof(o));
        if (o.IndexBase is not (0 or 1)) throw new ArgumentException($"IndexBase must be 0 or 1 (got {o.IndexBase}).", nameof(o));
        if (o.Symmetry is not (null or "general" or "symmetric"))
            throw new ArgumentException($"Symmetry must be null, \"general\" or \"symmetric\" (got \"{o.Symmetry}\").", nameof(o));
        if (o.Rows is < 0 || o.Columns is < 0) throw new ArgumentException("Rows and Columns must be ≥ 0.", nameof(o));
        if (o.MemoryBudgetBytes <= 0) throw new ArgumentException("MemoryBudgetBytes must be positive.", nameof(o));
    }

    private enum Sym { Unknown, General, Symmetric, Skew }

    private sealed class Parser
    {
        private static readonly string[] KnownMetadata = ["name", "id", "date", "author", "ed", "fields", "kind", "notes", "aux"];

        private readonly TextLineReader _r;
        private readonly TextImportOptions _o;
        private readonly string _file;
        private readonly List<string> _warnings = [];
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _meta = new(StringComparer.Ordinal);
        private readonly Range[] _tok = new Range[8];
        private readonly MatrixMarketData _d = new();
        private WhitespaceFlags _ws;
        private bool _pending;
        private bool _inNotes;
        private StringBuilder? _notes;
        private bool _tolerant;
        private bool _vector;
        private bool _array;
        private bool _pattern;
        private bool _integer;
        private bool _unsigned;
        private Sym _sym = Sym.General;
        private int _base = 1;

        public Parser(TextLineReader reader, TextImportOptions options)
        {
            _r = reader;
            _o = options;
            _file = reader.File;
        }

        private long Line => Math.Max(1, _r.LineNumber);

        private ProblemFileException Err(ProblemFileError e, string reason, long? line = null) => TextErrors.Make(_file, e, line ?? Line, reason);

        private void Warn(string w)
        {
            if (_warned.Add(w)) _warnings.Add(w);
        }

        private void Permissive(string what)
        {
            if (!_o.Permissive) throw Err(ProblemFileError.Malformed, what + " (permissive variants are disabled)");
            Warn("permissive Matrix Market variant: " + what);
        }

        private void CheckWhitespace()
        {
            if (_o.Permissive) return;
            if (_ws.LeadingWhitespace) throw Err(ProblemFileError.Malformed, "leading whitespace (permissive variants are disabled)");
            if (_ws.TabsOrRepeatedSpaces) throw Err(ProblemFileError.Malformed, "tabs or repeated spaces between tokens (permissive variants are disabled)");
        }

        public MatrixMarketData Parse()
        {
            int blankBefore = 0;
            while (true)
            {
                if (!_r.MoveNext()) throw Err(ProblemFileError.Malformed, "empty file: no Matrix Market banner");
                if (TextParsing.IsBlank(_r.Current)) { blankBefore++; continue; }
                break;
            }

            var first = _r.Current;
            var t = TextParsing.TrimStart(first);
            if (IsBannerStart(t, out bool onePercent))
            {
                if (blankBefore > 0) Permissive("blank lines before the banner");
                if (t.Length != first.Length) Permissive("leading whitespace before the banner");
                if (onePercent) Permissive("one-% banner (%MatrixMarket)");
                ParseBanner(t);
                ReadHeader(currentIsContent: false);
            }
            else if (t.StartsWith("%%"u8))
            {
                throw Err(ProblemFileError.Malformed,
                    $"not a Matrix Market banner: '{TextParsing.Show(t)}'; expected '%%MatrixMarket <object> <format> <field> <symmetry>'");
            }
            else
            {
                if (!_o.NoBanner && !_o.Triplets)
                    throw Err(ProblemFileError.UnsupportedFormat,
                        "no %%MatrixMarket banner. If the first line is the size line 'M N NNZ', pass --mm-no-banner; if the file holds "
                        + "only 'i j value' lines, pass --triplets (with --rows/--cols to fix the size, --index-base 0 for 0-based indices); "
                        + "add --symmetry symmetric when it stores one triangle of a symmetric matrix");
                _tolerant = true;
                ReadHeader(currentIsContent: t[0] != (byte)'%');
            }

            if (_tolerant) ReadTolerant();
            else ReadBody();

            if (_inNotes) _meta["notes"] = _notes!.ToString().TrimEnd();
            if (_r.SawByteOrderMark) Warn("permissive Matrix Market variant: UTF-8 byte-order mark");
            if (_r.SawCarriageReturn) Warn("permissive Matrix Market variant: CRLF line endings");
            if (_ws.LeadingWhitespace) Warn("permissive Matrix Market variant: leading whitespace on lines");
            if (_ws.TabsOrRepeatedSpaces) Warn("permissive Matrix Market variant: tabs or repeated spaces between tokens");
            _d.Warnings = _warnings;
            _d.Metadata = _meta;
            _d.Sha256 = _r.FinishHash();
            _d.BytesRead = _r.BytesRead;
            _d.IsPattern = _pattern;
            return _d;
        }

        private static bool IsBannerStart(ReadOnlySpan<byte> t, out bool onePercent)
        {
            onePercent = false;
            ReadOnlySpan<byte> rest;
            if (t.Length >= 14 && Ascii.EqualsIgnoreCase(t[..14], "%%matrixmarket"u8)) rest = t[14..];
            else if (t.Length >= 13 && Ascii.EqualsIgnoreCase(t[..13], "%matrixmarket"u8)) { rest = t[13..]; onePercent = true; }
            else return false;
            return rest.IsEmpty || rest[0] == (byte)' ' || rest[0] == (byte)'\t';
        }

        private void ParseBanner(ReadOnlySpan<byte> t)
        {
            int n = TextParsing.Tokenize(t, _tok, ref _ws);
            if (_ws.TabsOrRepeatedSpaces) CheckWhitespace();
            if (n != 5)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"the banner has {n - 1} tokens after %%MatrixMarket; expected 4: <object> <format> <field> <symmetry>"));
            var raw = new string[5];
            for (int k = 0; k < 5; k++) raw[k] = Encoding.UTF8.GetString(t[_tok[k]]);
            bool mixed = raw[0].TrimStart('%') != "MatrixMarket";
            var tok = new string[5];
            for (int k = 1; k < 5; k++)
            {
                tok[k] = raw[k].ToLowerInvariant();
                if (tok[k] != raw[k]) mixed = true;
            }

            if (mixed) Permissive("mixed-case banner tokens");
            _d.Object = tok[1] switch
            {
                "matrix" => "matrix",
                "vector" => "vector",
                _ => throw Err(ProblemFileError.SchemaViolation, $"unknown object '{raw[1]}' in the banner; expected matrix or vector"),
            };
            _d.Format = tok[2] switch
            {
                "coordinate" => "coordinate",
                "array" => "array",
                _ => throw Err(ProblemFileError.SchemaViolation, $"unknown format '{raw[2]}' in the banner; expected coordinate or array"),
            };
            string field = tok[3] switch
            {
                "real" or "integer" or "complex" or "pattern" or "unsigned-integer" => tok[3],
                "double" => "real",
                _ => throw Err(ProblemFileError.SchemaViolation, $"unknown field '{raw[3]}' in the banner; expected real, integer, complex or pattern"),
            };
            if (tok[3] == "double") Warn("non-standard field 'double' read as 'real'");
            string symmetry = tok[4] switch
            {
                "general" or "symmetric" or "skew-symmetric" or "hermitian" => tok[4],
                _ => throw Err(ProblemFileError.SchemaViolation,
                    $"unknown symmetry '{raw[4]}' in the banner; expected general, symmetric, skew-symmetric or hermitian"),
            };

            _vector = _d.Object == "vector";
            _array = _d.Format == "array";
            if (field == "pattern" && _array) throw Err(ProblemFileError.SchemaViolation, "invalid banner: a pattern matrix cannot be in array format");
            if (field == "pattern" && symmetry is "skew-symmetric" or "hermitian")
                throw Err(ProblemFileError.SchemaViolation, $"invalid banner: a pattern matrix cannot be {symmetry}");
            if (_vector && symmetry != "general") throw Err(ProblemFileError.SchemaViolation, $"invalid banner: a vector cannot be {symmetry}");
            if (field == "complex") throw Err(ProblemFileError.UnsupportedFeature, "complex values are not supported in v1");
            if (symmetry == "hermitian")
            {
                Warn($"'hermitian' with a {field} field read as 'symmetric'");
                symmetry = "symmetric";
            }

            _d.Field = field;
            _d.Symmetry = symmetry;
            _pattern = field == "pattern";
            _integer = field is "integer" or "unsigned-integer";
            _unsigned = field == "unsigned-integer";
            _sym = symmetry switch { "symmetric" => Sym.Symmetric, "skew-symmetric" => Sym.Skew, _ => Sym.General };

            if (_o.NoBanner || _o.Triplets) Warn("the file has a banner; --mm-no-banner/--triplets ignored");
            if (_o.IndexBase != 1) Warn("the file has a banner, so indices are 1-based; --index-base ignored");
            if (_o.Symmetry is not null && _o.Symmetry != symmetry) Warn($"the banner says '{symmetry}'; --symmetry {_o.Symmetry} ignored");
            if (_o.Rows is not null || _o.Columns is not null) Warn("the file has a size line; --rows/--cols ignored");
        }

        /// <summary>Skips blank and comment lines (recording SuiteSparse metadata); stops on the first content line.</summary>
        private void ReadHeader(bool currentIsContent)
        {
            if (currentIsContent) { _pending = true; return; }
            if (_tolerant) HeaderComment(TextParsing.TrimStart(_r.Current));
            while (true)
            {
                if (!_r.MoveNext())
                    throw Err(ProblemFileError.Malformed, _tolerant ? "truncated: no entries" : "truncated: no size line after the banner");
                var l = _r.Current;
                var t = TextParsing.TrimStart(l);
                if (t.IsEmpty) continue;
                if (t.Length != l.Length)
                {
                    _ws.LeadingWhitespace = true;
                    CheckWhitespace();
                }

                if (t[0] == (byte)'%')
                {
                    HeaderComment(t);
                    continue;
                }

                _pending = true;
                return;
            }
        }

        private void HeaderComment(ReadOnlySpan<byte> t)
        {
            string c = Encoding.UTF8.GetString(t.TrimStart("%"u8)).Trim();
            if (c.StartsWith("---", StringComparison.Ordinal))
            {
                if (_inNotes) { _meta["notes"] = _notes!.ToString().TrimEnd(); _inNotes = false; }
                return;
            }

            if (_inNotes) { _notes!.AppendLine(c); return; }
            if (c.Length >= 2 && c[0] == '[' && c[^1] == ']')
            {
                _meta.TryAdd("title", c[1..^1].Trim());
                return;
            }

            int colon = c.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) return;
            string key = c[..colon].Trim().ToLowerInvariant();
            if (Array.IndexOf(KnownMetadata, key) < 0) return;
            string value = c[(colon + 1)..].Trim();
            if (key == "notes")
            {
                _inNotes = true;
                _notes = new StringBuilder();
                if (value.Length > 0) _notes.AppendLine(value);
                return;
            }

            _meta.TryAdd(key, value);
        }

        /// <summary>Moves to the next non-blank, non-comment line; false at the end of the file.</summary>
        private bool NextContent()
        {
            if (_pending) { _pending = false; return true; }
            while (_r.MoveNext())
            {
                var t = TextParsing.TrimStart(_r.Current);
                if (t.IsEmpty) continue;
                if (t[0] == (byte)'%')
                {
                    Warn("comment lines among the entries were skipped");
                    continue;
                }

                return true;
            }

            return false;
        }

        private int Tokens(out ReadOnlySpan<byte> line)
        {
            line = _r.Current;
            int n = TextParsing.Tokenize(line, _tok, ref _ws);
            if (!_o.Permissive && (_ws.LeadingWhitespace || _ws.TabsOrRepeatedSpaces)) CheckWhitespace();
            return n;
        }

        private int ParseDimension(ReadOnlySpan<byte> token, string what)
        {
            long v = TextParsing.ParseLong(token, _file, Line, what);
            if (v < 0) throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"negative {what} {v}"));
            if (v >= int.MaxValue || v >= Array.MaxLength)
                throw Err(ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{what} {v} is 2^31 or more; dimensions must fit a 32-bit index"));
            return (int)v;
        }

        private long ParseCount(ReadOnlySpan<byte> token, long capacity, string capacityText)
        {
            long v = TextParsing.ParseLong(token, _file, Line, "entry count");
            if (v < 0) throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"negative entry count {v}"));
            if (v > capacity)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"declared entry count {v} exceeds {capacityText} = {capacity}"));
            return v;
        }

        private void CheckBudget(long bytes, string what)
        {
            if (bytes > _o.MemoryBudgetBytes)
                throw Err(ProblemFileError.LimitExceeded,
                    string.Create(CultureInfo.InvariantCulture, $"{what} needs {bytes} bytes, more than the memory budget of {_o.MemoryBudgetBytes} bytes (MemoryBudgetBytes, --max-memory)"));
        }

        private void ReadBody()
        {
            if (!NextContent()) throw Err(ProblemFileError.Malformed, "truncated: no size line");
            int n = Tokens(out var line);
            if (_vector)
            {
                int expected = _array ? 1 : 2;
                if (n != expected)
                    throw Err(ProblemFileError.Malformed, _array ? "the size line of an array vector must be 'N'" : "the size line of a coordinate vector must be 'N NNZ'");
                int len = ParseDimension(line[_tok[0]], "length");
                _d.Rows = len;
                _d.Columns = 1;
                CheckBudget((long)len * (sizeof(double) + 1), "the vector");
                if (_array) ReadArray(len, 1, len);
                else ReadCoordinateVector(len, ParseCount(line[_tok[1]], len, "the length"));
                return;
            }

            if (_array)
            {
                if (n != 2) throw Err(ProblemFileError.Malformed, "the size line of an array matrix must be 'M N'");
                int m = ParseDimension(line[_tok[0]], "row count"), c = ParseDimension(line[_tok[1]], "column count");
                _d.Rows = m;
                _d.Columns = c;
                if (_sym != Sym.General && m != c)
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"a {_d.Symmetry} matrix must be square, not {m}×{c}"));
                CheckBudget((long)m * c * sizeof(double) * 2, "the dense matrix");
                long count = _sym switch
                {
                    Sym.Symmetric => (long)m * (m + 1) / 2,
                    Sym.Skew => (long)m * (m - 1) / 2,
                    _ => (long)m * c,
                };
                ReadArray(m, c, count);
                return;
            }

            if (n != 3) throw Err(ProblemFileError.Malformed, "the size line of a coordinate matrix must be 'M N NNZ'");
            ReadCoordinateSizeLine(line);
            ReadCoordinateEntries(_d.DeclaredEntries, dimsKnown: true);
        }

        private void ReadCoordinateSizeLine(ReadOnlySpan<byte> line)
        {
            int m = ParseDimension(line[_tok[0]], "row count"), c = ParseDimension(line[_tok[1]], "column count");
            if (_sym is Sym.Symmetric or Sym.Skew && m != c)
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"a {(_sym == Sym.Skew ? "skew-symmetric" : "symmetric")} matrix must be square, not {m}×{c}"));
            long capacity = _sym switch
            {
                Sym.Symmetric => (long)m * (m + 1) / 2,
                Sym.Skew => (long)m * (m - 1) / 2,
                _ => (long)m * c,
            };
            string capText = _sym switch { Sym.Symmetric => "n(n+1)/2", Sym.Skew => "n(n-1)/2", _ => "M·N" };
            _d.DeclaredEntries = ParseCount(line[_tok[2]], capacity, capText);
            _d.Rows = m;
            _d.Columns = c;
            CheckBudget((long)(m + 1) * 3 * sizeof(int), "the row pointers");
        }

        private void ReadTolerant()
        {
            _base = _o.IndexBase;
            _sym = _o.Symmetry switch { "symmetric" => Sym.Symmetric, "general" => Sym.General, _ => Sym.Unknown };
            if (_o.NoBanner)
            {
                if (!NextContent()) throw Err(ProblemFileError.Malformed, "truncated: no size line");
                int n = Tokens(out var line);
                if (n != 3) throw Err(ProblemFileError.Malformed, "with --mm-no-banner the first line must be the size line 'M N NNZ'");
                var saved = _sym;
                if (_sym == Sym.Unknown) _sym = Sym.General;
                ReadCoordinateSizeLine(line);
                _sym = saved;
                if (_o.Rows is { } r && r != _d.Rows || _o.Columns is { } cc && cc != _d.Columns)
                    throw Err(ProblemFileError.ShapeMismatch,
                        string.Create(CultureInfo.InvariantCulture, $"the size line says {_d.Rows}×{_d.Columns}, but --rows/--cols say {_o.Rows}×{_o.Columns}"));
                ReadCoordinateEntries(_d.DeclaredEntries, dimsKnown: true);
            }
            else
            {
                _d.Rows = _o.Rows ?? 0;
                _d.Columns = _o.Columns ?? 0;
                bool known = _o.Rows is not null && _o.Columns is not null;
                if (_sym == Sym.Symmetric && known && _d.Rows != _d.Columns)
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"--symmetry symmetric needs a square matrix, not {_d.Rows}×{_d.Columns}"));
                ReadCoordinateEntries(-1, dimsKnown: known);
            }
        }

        private int Index(long raw, int dim, bool dimKnown, string what)
        {
            long v = raw - _base;
            if (v < 0)
            {
                string hint = _tolerant && _base == 1 && raw == 0 ? "; for 0-based files pass --index-base 0" : "";
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"{what} index {raw} is below {_base}{hint}"));
            }

            if (dimKnown && v >= dim)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"{what} index {raw} exceeds the {(what == "row" ? "row count" : "column count")} {dim}"));
            if (v >= int.MaxValue - 1)
                throw Err(ProblemFileError.LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{what} index {raw} is 2^31 or more"));
            return (int)v;
        }

        private double Value(ReadOnlySpan<byte> token)
        {
            if (_integer) return TextParsing.ParseIntegerValue(token, _unsigned, _file, Line);
            return TextParsing.ParseReal(token, _file, Line);
        }

        private void ReadCoordinateEntries(long declared, bool dimsKnown)
        {
            var buf = new CoordinateBuffer(_file, declared < 0 ? 1 << 20 : declared, _o.MemoryBudgetBytes);
            int expected = _tolerant ? -1 : (_pattern ? 2 : 3);
            long found = 0, firstLine = 0;
            int maxRow = -1, maxCol = -1;
            bool anyUpper = false, anyLower = false;
            int zeros = 0;
            int rows = _d.Rows, cols = _d.Columns;
            while (NextContent())
            {
                int n = Tokens(out var line);
                if (declared >= 0 && found == declared)
                    throw Err(ProblemFileError.Malformed,
                        string.Create(CultureInfo.InvariantCulture, $"too long: a line after the {declared} declared entries"));
                if (expected < 0)
                {
                    if (n is not (2 or 3))
                        throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"expected 'i j value' (or 'i j' for a pattern), found {n} tokens"));
                    expected = n;
                    _pattern = n == 2;
                    firstLine = _r.LineNumber;
                }

                if (n != expected)
                    throw Err(ProblemFileError.Malformed,
                        string.Create(CultureInfo.InvariantCulture,
                            $"expected {expected} tokens ({(expected == 2 ? "i j" : "i j value")}), found {n}: {(n < expected ? "missing value column" : "extra column")}"));
                if (firstLine == 0) firstLine = _r.LineNumber;
                int i = Index(TextParsing.ParseLong(line[_tok[0]], _file, Line, "row index"), rows, dimsKnown, "row");
                int j = Index(TextParsing.ParseLong(line[_tok[1]], _file, Line, "column index"), cols, dimsKnown, "column");
                double v = expected == 3 ? Value(line[_tok[2]]) : 1.0;
                if (_sym == Sym.Symmetric && i < j)
                    throw Err(ProblemFileError.Malformed,
                        string.Create(CultureInfo.InvariantCulture, $"entry ({i + _base}, {j + _base}) lies above the diagonal; a symmetric file stores only i ≥ j"));
                if (_sym == Sym.Skew && i <= j)
                    throw Err(ProblemFileError.Malformed, i == j
                        ? string.Create(CultureInfo.InvariantCulture, $"diagonal entry ({i + 1}, {j + 1}) in a skew-symmetric file (its diagonal is zero)")
                        : string.Create(CultureInfo.InvariantCulture, $"entry ({i + 1}, {j + 1}) lies on or above the diagonal; a skew-symmetric file stores only i > j"));
                if (i < j) anyUpper = true;
                else if (i > j) anyLower = true;
                maxRow = Math.Max(maxRow, i);
                maxCol = Math.Max(maxCol, j);
                found++;
                if (expected == 3 && v == 0)
                {
                    zeros++;
                    if (_o.DropExplicitZeros) continue;
                }

                buf.Add(i, j, v, _r.LineNumber);
            }

            if (declared >= 0 && found < declared)
                throw Err(ProblemFileError.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"truncated: {found} entries found, {declared} declared"));
            if (declared < 0)
            {
                _d.DeclaredEntries = found;
                if (!dimsKnown)
                {
                    int r0 = _o.Rows ?? maxRow + 1, c0 = _o.Columns ?? maxCol + 1;
                    if (_o.Rows is { } rr && maxRow >= rr)
                        throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"a row index exceeds --rows {rr}"));
                    if (_o.Columns is { } cc && maxCol >= cc)
                        throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"a column index exceeds --cols {cc}"));
                    if (_sym == Sym.Symmetric) r0 = c0 = Math.Max(r0, c0);
                    rows = _d.Rows = r0;
                    cols = _d.Columns = c0;
                    Warn(string.Create(CultureInfo.InvariantCulture,
                        $"dimensions {rows}×{cols} inferred from the largest indices; an empty last row or column would be lost (pass --rows/--cols)"));
                }
            }

            if (_sym == Sym.Unknown)
            {
                if (rows == cols && anyLower && !anyUpper)
                    throw Err(ProblemFileError.SchemaViolation,
                        "every entry of this square file without a banner lies on or below the diagonal: it probably stores one triangle "
                        + "of a symmetric matrix. Pass --symmetry symmetric to mirror it, or --symmetry general to read it as stored", firstLine);
                _sym = Sym.General;
            }

            _d.ExplicitZeros = zeros;
            if (zeros > 0)
                Warn(string.Create(CultureInfo.InvariantCulture,
                    $"{zeros} explicit zero entries {(_o.DropExplicitZeros ? "dropped (DropExplicitZeros)" : "kept as structure")}"));
            BuildMatrix(buf, rows, cols);
        }

        private void BuildMatrix(CoordinateBuffer buf, int rows, int cols)
        {
            bool mirror = _sym is Sym.Symmetric or Sym.Skew;
            CheckBudget(TextAssembly.AssemblyBytes(rows, (long)buf.Count * (mirror ? 2 : 1)), "assembling the CSR matrix");
            var props = _sym == Sym.Symmetric ? OperatorProperties.Symmetric : OperatorProperties.None;
            var stored = CsrMatrix.FromCoordinates(rows, cols, buf.Rows, buf.Columns, buf.Values, sumDuplicates: true, out int dups,
                mirror ? OperatorProperties.None : props);
            if (mirror)
            {
                if (TextAssembly.MirroredCount(stored) > int.MaxValue - 1)
                    throw Err(ProblemFileError.LimitExceeded, "the mirrored matrix has 2^31 or more stored entries");
                stored = TextAssembly.MirrorTriangle(stored, _sym == Sym.Skew, props);
            }

            int bad = TextAssembly.FirstNonFinite(stored.Values);
            if (bad >= 0)
                throw Err(ProblemFileError.NonFiniteValue, "summing duplicate entries overflowed to ±∞");
            _d.DuplicatesSummed = dups;
            if (dups > 0) Warn(string.Create(CultureInfo.InvariantCulture, $"{dups} duplicate entries summed"));
            if (_pattern) _d.Field = _tolerant ? "none" : "pattern";
            _d.Matrix = stored;
        }

        private void ReadCoordinateVector(int length, long declared)
        {
            _d.DeclaredEntries = declared;
            var v = new double[length];
            var seen = new bool[length];
            int expected = _pattern ? 1 : 2;
            long found = 0;
            int dups = 0, zeros = 0;
            while (NextContent())
            {
                int n = Tokens(out var line);
                if (found == declared)
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"too long: a line after the {declared} declared entries"));
                if (n != expected)
                    throw Err(ProblemFileError.Malformed,
                        string.Create(CultureInfo.InvariantCulture, $"expected {expected} tokens ({(expected == 1 ? "i" : "i value")}), found {n}: {(n < expected ? "missing value column" : "extra column")}"));
                int i = Index(TextParsing.ParseLong(line[_tok[0]], _file, Line, "index"), length, true, "row");
                double x = expected == 2 ? Value(line[_tok[1]]) : 1.0;
                found++;
                if (expected == 2 && x == 0) zeros++;
                if (seen[i]) dups++;
                seen[i] = true;
                v[i] += x;
                if (!double.IsFinite(v[i])) throw Err(ProblemFileError.NonFiniteValue, "summing duplicate entries overflowed to ±∞");
            }

            if (found < declared)
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"truncated: {found} entries found, {declared} declared"));
            _d.DuplicatesSummed = dups;
            _d.ExplicitZeros = zeros;
            if (dups > 0) Warn(string.Create(CultureInfo.InvariantCulture, $"{dups} duplicate entries summed"));
            _d.Vector = v;
        }

        private void ReadArray(int m, int c, long count)
        {
            _d.DeclaredEntries = count;
            var values = new ValueBuffer(_file, count, _o.MemoryBudgetBytes);
            while (NextContent())
            {
                int n = Tokens(out var line);
                if (values.Count == count)
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"too long: a line after the {count} expected values"));
                if (n != 1)
                    throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"expected one value per line in array format, found {n} tokens"));
                values.Add(Value(line[_tok[0]]), _r.LineNumber);
            }

            if (values.Count < count)
                throw Err(ProblemFileError.Malformed, string.Create(CultureInfo.InvariantCulture, $"truncated: {values.Count} values found, {count} expected"));
            if (_vector)
            {
                _d.Vector = values.Values.ToArray();
                return;
            }

            var dense = new double[m, c];
            int k = 0;
            for (int j = 0; j < c; j++)
            {
                int i0 = _sym switch { Sym.Symmetric => j, Sym.Skew => j + 1, _ => 0 };
                for (int i = i0; i < m; i++)
                {
                    double x = values[k++];
                    dense[i, j] = x;
                    if (_sym == Sym.Symmetric) dense[j, i] = x;
                    else if (_sym == Sym.Skew) dense[j, i] = -x;
                }
            }

            _d.Dense = dense;
            _d.Matrix = CsrMatrix.FromDense(dense, _sym == Sym.Symmetric ? OperatorProperties.Symmetric : OperatorProperties.None);
            if (c == 1)
            {
                var col = new double[m];
                for (int i = 0; i < m; i++) col[i] = dense[i, 0];
                _d.Vector = col;
            }
        }
    }
}
