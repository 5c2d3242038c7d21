using System.CommandLine;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.IO.Text;
using Solvers.Operators;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary>
/// <c>solvers convert IN OUT</c>: import any supported format into the native schema, or export one problem to Matrix
/// Market or Rutherford-Boeing.
/// </summary>
public static class ConvertCommand
{
    private static readonly HashSet<string> RutherfordBoeingExtensions = new(StringComparer.Ordinal) { ".rb", ".rsa", ".rua", ".rra" };

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Input file (any supported format; detected from its content)." };
        var output = new Argument<string>("output")
        {
            Description = "Output file: .h5 (native problem set); .mtx (Matrix Market, one problem; b and x_exact as <stem>_b.mtx and "
                + "<stem>_x.mtx unless b = A·1); .rb, .rsa, .rua or .rra (Rutherford-Boeing, one problem; b, x0 and x_exact as a "
                + "Harwell-Boeing right-hand-side block unless b = A·1); .mat (MATLAB v7.3, one problem as the SuiteSparse-style struct Problem).",
        };
        var problem = new Option<string?>("--problem") { Description = "Problem id to export to Matrix Market, Rutherford-Boeing or MATLAB (default: the first)." };
        var keepTriangle = new Option<bool>("--keep-triangle")
        {
            Description = "Write exactly symmetric matrices as their lower triangle (HDF5 stored_triangle, Matrix Market symmetric banner, "
                + "Rutherford-Boeing RSA for .rb; .rsa always does).",
        };
        var inputOptions = new InputOptions();
        var cmd = new Command("convert", "Convert between Matrix Market, Harwell-Boeing/Rutherford-Boeing, MATLAB v7.3, CSR groups and the native HDF5 problem-set schema.")
        {
            input, output, problem, keepTriangle,
        };
        inputOptions.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            try
            {
                string inPath = r.GetValue(input)!;
                string outPath = r.GetValue(output)!;
                if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath))
                    throw new ArgumentException("convert never overwrites its input; choose another output path.");
                var open = inputOptions.Build(r, null);
                if (!r.GetValue(inputOptions.Trusted))
                    IsolatedValidator.ValidateStable(inPath, inputOptions.ToChildArguments(r), open.Reader.MemoryBudgetBytes, TimeSpan.FromSeconds(r.GetValue(inputOptions.ValidateTimeout)));
                using var source = ProblemSource.Open(inPath, open);
                string ext = Path.GetExtension(outPath).ToLowerInvariant();
                if (ext is ".mtx" || RutherfordBoeingExtensions.Contains(ext))
                {
                    string id = r.GetValue(problem) ?? source.ProblemIds[0];
                    var p = source.ReadProblem(id);
                    var csr = p.A as CsrMatrix ?? (p.A as IConvertibleToCsr)?.ToCsr()
                        ?? throw new ArgumentException($"problem {id}: its operator ({p.A.GetType().Name}) cannot be assembled as a sparse matrix.");
                    if (ext == ".mtx") ExportMatrixMarket(p, csr, inPath, outPath, r.GetValue(keepTriangle), err);
                    else ExportRutherfordBoeing(p, csr, inPath, outPath, ext, r.GetValue(keepTriangle), err);
                    return ExitCodes.Success;
                }

                if (ext == ".mat")
                {
                    // MATLAB v7.3: one problem as a SuiteSparse-style Problem struct.
                    string id = r.GetValue(problem) ?? source.ProblemIds[0];
                    var p = source.ReadProblem(id);
                    MatlabV73Writer.Write(outPath, p);
                    AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: MATLAB v7.3, {p.A.Rows}×{p.A.Columns}, problem {Markup.Escape(id)}");
                    return ExitCodes.Success;
                }

                if (ext is not (".h5" or ".hdf5"))
                    throw new ArgumentException($"unknown output extension '{ext}': use .h5 (native problem set), .mtx (Matrix Market), .rb/.rsa/.rua/.rra (Rutherford-Boeing) or .mat (MATLAB v7.3).");
                var writer = new ProblemSetWriter { Description = $"converted from {Path.GetFileName(inPath)} ({source.Format})" };
                foreach (var id in source.ProblemIds)
                {
                    var p = source.ReadProblem(id);
                    writer.Add(p, new ProblemWriteOptions { StoredTriangle = r.GetValue(keepTriangle) ? "lower" : "full" });
                }

                writer.Write(outPath);
                AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: {source.ProblemIds.Count} problem(s) from {source.Format}");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or ProblemFileException or IOException)
            {
                err.MarkupLine($"[red]error[/] {Markup.Escape(e.Message)}");
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>
    /// True when b is what an importer synthesizes for a file without one: a single right-hand side equal (bit for bit)
    /// to A·1, with x_exact absent or all ones and no x0. Such b and x_exact are not exported, since every reader
    /// rebuilds them.
    /// </summary>
    internal static bool IsDefaultRightHandSide(LinearProblem p, CsrMatrix a)
    {
        if (p.X0 is not null || p.RightHandSideCount != 1 || p.B.GetLength(1) != a.Rows) return false;
        if (p.XExact is { } x)
        {
            if (x.GetLength(0) != 1) return false;
            foreach (double v in x)
                if (v != 1.0) return false;
        }

        var ones = new double[a.Columns];
        Array.Fill(ones, 1.0);
        var y = new double[a.Rows];
        a.Apply(ones, y);
        for (int i = 0; i < y.Length; i++)
            if (BitConverter.DoubleToInt64Bits(y[i]) != BitConverter.DoubleToInt64Bits(p.B[0, i])) return false;
        return true;
    }

    private static void Warn(IAnsiConsole err, string message) => err.MarkupLine($"[yellow]warning[/] {Markup.Escape(message)}");

    /// <summary>A k×n block as the n×k Matrix Market array SuiteSparse uses for b and x (one column per vector).</summary>
    private static void WriteBlock(string path, double[,] block, string comment)
    {
        int k = block.GetLength(0), n = block.GetLength(1);
        var dense = new double[n, k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < n; i++) dense[i, j] = block[j, i];
        MatrixMarketWriter.WriteDense(path, dense, comment);
    }

    private static void ExportMatrixMarket(LinearProblem p, CsrMatrix csr, string inPath, string outPath, bool keepTriangle, IAnsiConsole err)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(outPath)) ?? ".";
        string stem = Path.GetFileNameWithoutExtension(outPath);
        string bPath = Path.Combine(dir, stem + "_b.mtx"), xPath = Path.Combine(dir, stem + "_x.mtx");
        string inFull = Path.GetFullPath(inPath);
        bool companions = !IsDefaultRightHandSide(p, csr);
        if (companions && (bPath == inFull || xPath == inFull))
            throw new ArgumentException($"the companion files {Path.GetFileName(bPath)} / {Path.GetFileName(xPath)} of the output would overwrite the input; choose another output name.");
        string from = $"converted by solvers from {Path.GetFileName(inPath)}";
        MatrixMarketWriter.Write(outPath, csr, $"{p.Name} ({from})", symmetric: keepTriangle && csr.IsSymmetric(0));
        string extra = "";
        if (companions)
        {
            WriteBlock(bPath, p.B, $"{p.Name}: b ({from})");
            extra = $"; b in {Path.GetFileName(bPath)}";
            if (p.XExact is not null)
            {
                WriteBlock(xPath, p.XExact, $"{p.Name}: x_exact ({from})");
                extra += $", x_exact in {Path.GetFileName(xPath)}";
            }
            else if (File.Exists(xPath))
            {
                Warn(err, $"{xPath} exists from before; the Matrix Market reader will take it as x_exact of {Path.GetFileName(outPath)}");
            }

            if (p.X0 is not null) Warn(err, "x0 is not written: Matrix Market has no companion file for a starting guess");
        }
        else
        {
            foreach (var stale in new[] { bPath, xPath })
                if (File.Exists(stale))
                    Warn(err, $"{stale} exists from before; the Matrix Market reader will take it as {(stale == bPath ? "b" : "x_exact")} of {Path.GetFileName(outPath)}");
        }

        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: {csr.Rows}×{csr.Columns}, nnz {csr.NonZeroCount}{Markup.Escape(extra)}");
    }

    /// <summary>Printable ASCII only (other characters become '?'), at most <paramref name="max"/> characters.</summary>
    private static string HeaderText(string s, int max)
    {
        var chars = s.Select(c => c is >= ' ' and <= '~' ? c : '?').Take(max).ToArray();
        return new string(chars).TrimEnd();
    }

    private static void ExportRutherfordBoeing(LinearProblem p, CsrMatrix csr, string inPath, string outPath, string ext, bool keepTriangle, IAnsiConsole err)
    {
        bool lower = ext == ".rsa" || (ext == ".rb" && keepTriangle);
        string type = RutherfordBoeingWriter.TypeCode(csr, lower);
        string shape = $"{csr.Rows}×{csr.Columns}";
        if (ext == ".rsa" && type != "RSA")
            throw new ArgumentException($"{Path.GetFileName(outPath)}: RSA needs an exactly symmetric matrix (same pattern, bit-identical values), and this {shape} one is not; write .rua/.rra or .rb.");
        if (ext == ".rua" && type != "RUA")
            throw new ArgumentException($"{Path.GetFileName(outPath)}: the {shape} matrix is not square; write .rra or .rb.");
        if (ext == ".rra" && type != "RRA")
            throw new ArgumentException($"{Path.GetFileName(outPath)}: the {shape} matrix is square; write .rua, .rsa or .rb.");

        double[]? b = null, x0 = null, x = null;
        if (p.RightHandSideCount != 1)
        {
            Warn(err, $"the problem has {p.RightHandSideCount} right-hand sides; no right-hand-side block is written (only k = 1 is exported)");
        }
        else if (!IsDefaultRightHandSide(p, csr))
        {
            b = p.GetRightHandSide(0);
            x0 = p.X0 is null ? null : p.GetInitialGuess(0);
            x = p.GetExactSolution(0);
            if ((x0 is not null || x is not null) && csr.Rows != csr.Columns)
            {
                Warn(err, "x0 and x_exact are not written: Harwell-Boeing stores them with NROW entries, and the matrix is not square");
                x0 = x = null;
            }
        }

        string from = $"converted by solvers from {Path.GetFileName(inPath)}";
        string title = p.Meta.TryGetValue("title", out var t) && t.Length > 0 ? t : $"{p.Name} ({from})";
        // The key: the source's key, else the name without its group ("HB/bcsstk01" → "bcsstk01") and blanks.
        string name = p.Name[(p.Name.LastIndexOf('/') + 1)..].Replace(" ", "", StringComparison.Ordinal);
        string key = HeaderText(p.Meta.TryGetValue("key", out var k) && k.Length > 0 ? k : name, 8);
        RutherfordBoeingWriter.Write(outPath, csr, HeaderText(title, 72), key, lower, b, x0, x);
        var parts = new List<string>();
        if (b is not null) parts.Add("b");
        if (x0 is not null) parts.Add("x0");
        if (x is not null) parts.Add("x_exact");
        string rhs = parts.Count > 0 ? $", right-hand-side block ({string.Join(", ", parts)})" : "";
        string stored = "";
        if (type == "RSA")
        {
            long lowerCount = 0;
            for (int i = 0; i < csr.Rows; i++)
                for (int q = csr.RowPointers[i]; q < csr.RowPointers[i + 1]; q++)
                    if (csr.ColumnIndices[q] <= i) lowerCount++;
            stored = $" ({lowerCount} stored in the lower triangle)";
        }

        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outPath)}[/]: {type} {shape}, nnz {csr.NonZeroCount}{stored}{Markup.Escape(rhs)}");
    }
}
