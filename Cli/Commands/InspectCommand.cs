using System.CommandLine;
using System.Globalization;
using Solvers.Cli.Infrastructure;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using Spectre.Console;

namespace Solvers.Cli.Commands;

/// <summary><c>solvers inspect FILE</c>: format, objects, problems, shapes, nnz, storage, symmetry, SPD hints, NaN check, sample sets.</summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "File to inspect." };
        var objects = new Option<bool>("--objects") { Description = "List every HDF5 object (bounded walk)." };
        var input = new InputOptions();
        var cmd = new Command("inspect", "Describe a problem file without solving anything.") { file, objects };
        input.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            string path = r.GetValue(file)!;
            try
            {
                var open = input.Build(r, null);
                open = open with { Reader = open.Reader with { AllowNonFinite = true } };
                var format = ProblemSource.Detect(path);
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(path))}[/]: {format}, {new FileInfo(path).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes");
                if (r.GetValue(objects) && format is ProblemFileFormat.ProblemSet or ProblemFileFormat.MatlabV73 or ProblemFileFormat.SparseGroup or ProblemFileFormat.OtherHdf5)
                    PrintObjects(path);
                if (format == ProblemFileFormat.OtherHdf5)
                {
                    PrintObjects(path);
                    return ExitCodes.Success;
                }

                if (!r.GetValue(input.Trusted))
                    IsolatedValidator.ValidateStable(path, input.ToChildArguments(r), open.Reader.MemoryBudgetBytes, TimeSpan.FromSeconds(r.GetValue(input.ValidateTimeout)));
                using var source = ProblemSource.Open(path, open);
                foreach (var id in source.ProblemIds)
                {
                    var p = source.ReadProblem(id);
                    var a = p.A;
                    string storage = a switch
                    {
                        CsrMatrix c => $"csr, nnz {c.NonZeroCount.ToString("N0", CultureInfo.InvariantCulture)}",
                        Laplacian2D or Laplacian3D or DiffusionStencil2D or DiffusionStencil3D or StencilOperator => "stencil (matrix-free)",
                        KroneckerOperator k => $"kronecker {k.Combine.ToString().ToLowerInvariant()} of {k.Factors.Count} factors",
                        DenseOperator => "dense",
                        _ => a.GetType().Name,
                    };
                    bool symmetric = a.Properties.HasFlag(OperatorProperties.Symmetric)
                        || (a.Rows == a.Columns && (a is CsrMatrix cs ? cs.IsSymmetric() : OperatorChecks.IsSymmetricRandomized(a)));
                    string diag = "—";
                    if (a is IHasDiagonal hd && LinearOperator.HasDiagonal(a) && a.Rows == a.Columns)
                    {
                        var d = new double[a.Rows];
                        hd.CopyDiagonal(d);
                        int bad = d.Count(v => !(v > 0));
                        diag = bad == 0 ? "all positive" : $"[yellow]{bad} row(s) ≤ 0 or non-finite[/]";
                    }

                    long nonFinite = CountNonFinite(p);
                    var grid = new Grid().AddColumn().AddColumn();
                    void Row(string k, string v) => grid.AddRow($"[grey]{k}[/]", v);
                    Row("name", Markup.Escape(p.Name));
                    Row("kind", p.Kind.ToString());
                    Row("shape", $"{a.Rows.ToString("N0", CultureInfo.InvariantCulture)} × {a.Columns.ToString("N0", CultureInfo.InvariantCulture)}");
                    Row("storage", Markup.Escape(storage));
                    Row("symmetric", symmetric ? "yes" : "[yellow]no[/]");
                    Row("declared spd", Markup.Escape(p.Attributes.TryGetValue("spd", out var spd) ? spd : "unknown"));
                    Row("diagonal", diag);
                    Row("right-hand sides", p.RightHandSideCount.ToString(CultureInfo.InvariantCulture));
                    Row("non-finite values", nonFinite == 0 ? "none" : $"[red]{nonFinite}[/]");
                    Row("x_exact / x0 / M", $"{(p.XExact is null ? "no" : "yes")} / {(p.X0 is null ? "no" : "yes")} / {(p.M is null ? "no" : p.M.Form.ToString())}");
                    if (p.Attributes.TryGetValue("source", out var src)) Row("source", Markup.Escape(src));
                    AnsiConsole.Write(new Panel(grid).Header($"problem {Markup.Escape(id)}"));
                    foreach (var w in p.Report.Warnings) err.MarkupLine($"[yellow]warning[/] {Markup.Escape(id)}: {Markup.Escape(w)}");
                }

                foreach (var name in source.SampleSetNames)
                {
                    // An empty sample range validates the set's schema, shapes and types and reads only grid/ and params attributes.
                    var s = source.ReadSamples(name, 0..0);
                    AnsiConsole.Write(new Panel(SampleSetGrid(s)).Header($"sample set {Markup.Escape(name)}"));
                    foreach (var w in s.Report.Warnings) err.MarkupLine($"[yellow]warning[/] {Markup.Escape(name)}: {Markup.Escape(w)}");
                }

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

    private static Grid SampleSetGrid(SampleSet s)
    {
        string Inv(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        long n = s.FileSampleCount ?? s.SampleCount;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string k, string v) => grid.AddRow($"[grey]{k}[/]", v);
        Row("pde", Markup.Escape(s.Pde));
        Row("layout", Markup.Escape(string.Join(",", s.Layout)));
        Row("grid shape", string.Join(" × ", s.GridShape.Select(Inv)));
        Row("samples (N)", Inv(n));
        foreach (var (group, fields) in new[] { ("inputs", s.Inputs), ("outputs", s.Outputs) })
        {
            foreach (var (name, f) in fields)
            {
                var shape = f.Shape.ToArray();
                shape[0] = n;
                string own = f.Layout is null ? "" : $", layout {string.Join(",", f.Layout)}";
                Row($"{group}/{name}", Markup.Escape($"{f.TypeName} ({string.Join(", ", shape.Select(Inv))}){own}"));
            }
        }

        if (s.Grid.Count > 0) Row("grid", Markup.Escape(string.Join(", ", s.Grid.Select(kv => $"{kv.Key}[{Inv(kv.Value.Length)}]"))));
        var p = s.Params;
        var names = p.Float64.Keys.Select(k => k + " (f64)").Concat(p.Int64.Keys.Select(k => k + " (int64)")).Concat(p.Strings.Keys.Select(k => k + " (string)"))
            .Concat(p.Constants.Keys.Select(k => "@" + k)).ToList();
        if (names.Count > 0) Row("params", Markup.Escape(string.Join(", ", names)));
        if (s.Attributes.TryGetValue("source", out var src)) Row("source", Markup.Escape(src));
        return grid;
    }

    private static long CountNonFinite(LinearProblem p)
    {
        long count = 0;
        foreach (var v in p.B) if (!double.IsFinite(v)) count++;
        if (p.A is CsrMatrix c)
            foreach (var v in c.Values) if (!double.IsFinite(v)) count++;
        if (p.X0 is not null)
            foreach (var v in p.X0) if (!double.IsFinite(v)) count++;
        return count;
    }

    private static void PrintObjects(string path)
    {
        var report = Hdf5Inspector.Walk(path);
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("path", "kind", "type", "shape", "layout / filters", "attributes");
        foreach (var o in report.Objects)
        {
            string shape = o.Shape is null ? "" : "(" + string.Join(", ", o.Shape) + ")";
            string layout = o.Layout is null ? "" : o.Layout + (o.Filters.Count > 0 ? " " + string.Join(", ", o.Filters) : "");
            string attrs = string.Join("; ", o.Attributes.Select(kv => $"{kv.Key} = {kv.Value}"));
            table.AddRow(Markup.Escape(o.Path), o.Kind.ToString().ToLowerInvariant(), Markup.Escape(o.DataType ?? ""), shape,
                Markup.Escape(layout), Markup.Escape(attrs));
        }

        AnsiConsole.Write(table);
        foreach (var w in report.Warnings) AnsiConsole.MarkupLine($"[yellow]warning[/] {Markup.Escape(w)}");
    }
}
