using System.Globalization;
using PureHDF;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>How <see cref="ProblemSetWriter"/> stores one problem (PS §4, §7).</summary>
public sealed record ProblemWriteOptions
{
    /// <summary>The default options.</summary>
    public static ProblemWriteOptions Default { get; } = new();

    /// <summary>
    /// Storage of A: null chooses by type (csr for sparse matrices, dense for dense operators, stencil for stencil
    /// operators, kronecker for Kronecker operators); or "csr", "csc", "coo", "dense", "kronecker", "stencil", or
    /// "pattern_from:&lt;path&gt;" (values only, sharing the pattern of a csr/csc group written earlier in the same file).
    /// </summary>
    public string? Storage { get; init; }

    /// <summary>"full" (default) or "lower" (symmetric sparse matrices only; halves the file).</summary>
    public string StoredTriangle { get; init; } = "full";

    /// <summary>0 = no compression; 1–9 = shuffle + deflate level for large datasets (default 6).</summary>
    public int Compression { get; init; } = 6;
}

/// <summary>
/// Writes problem-set files by the rules of PS §7: little-endian f64, int64 shapes, int32 indices, canonical CSR,
/// variable-length UTF-8 strings, int8 tri-states, shuffle + deflate chunks of ≤ 1 MiB, written to a temporary file
/// and renamed into place.
/// </summary>
public sealed partial class ProblemSetWriter
{
    private readonly List<(LinearProblem Problem, ProblemWriteOptions Options)> _problems = [];
    private readonly Dictionary<string, EncodedSparse> _sparseGroups = new(StringComparer.Ordinal);

    /// <summary>Optional root <c>description</c>.</summary>
    public string? Description { get; set; }

    /// <summary>Optional root <c>license</c> (SPDX id).</summary>
    public string? License { get; set; }

    /// <summary>Number of problems added.</summary>
    public int Count => _problems.Count;

    /// <summary>Adds a problem; its <see cref="LinearProblem.Id"/> becomes the group name.</summary>
    /// <exception cref="ArgumentException">Invalid or duplicate id, non-finite values, or an unsupported storage choice.</exception>
    public void Add(LinearProblem problem, ProblemWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= ProblemWriteOptions.Default;
        if (!ProblemSetReader.NamePattern().IsMatch(problem.Id))
            throw new ArgumentException($"Problem id '{problem.Id}' does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$.", nameof(problem));
        if (_problems.Any(p => p.Problem.Id == problem.Id))
            throw new ArgumentException($"A problem with id '{problem.Id}' was already added.", nameof(problem));
        if (options.Compression is < 0 or > 9)
            throw new ArgumentException($"Compression must be 0–9 (got {options.Compression}).", nameof(options));
        if (options.StoredTriangle is not ("full" or "lower"))
            throw new ArgumentException($"StoredTriangle must be 'full' or 'lower' (got '{options.StoredTriangle}').", nameof(options));
        if (problem.B.GetLength(1) != problem.A.Rows)
            throw new ArgumentException($"b has length {problem.B.GetLength(1)}, but A has {problem.A.Rows} rows.", nameof(problem));
        // Encode now so that errors surface at Add and pattern_from can refer to earlier problems.
        _ = BuildProblem(problem, options, dryRun: true);
        _problems.Add((problem, options));
    }

    /// <summary>Writes all problems and sample sets to <paramref name="path"/> (temporary file + rename; replaces an existing file).</summary>
    public void Write(string path)
    {
        var file = new H5File();
        file.Attributes["format"] = "problem-set";
        file.Attributes["format_version"] = "1.0.0";
        file.Attributes["created_by"] = H5WriteHelpers.CreatedBy;
        file.Attributes["created_utc"] = H5WriteHelpers.UtcNow;
        if (Description is not null) file.Attributes["description"] = Description;
        if (License is not null) file.Attributes["license"] = License;
        if (_problems.Count > 0 || _sampleSets.Count == 0)
        {
            var problems = new H5Group();
            problems.Attributes["order"] = _problems.Select(p => p.Problem.Id).ToArray();
            foreach (var (p, o) in _problems) problems[p.Id] = BuildProblem(p, o, dryRun: false);
            file["problems"] = problems;
        }

        if (_sampleSets.Count > 0)
        {
            var samples = new H5Group();
            foreach (var (name, group) in _sampleSets) samples[name] = group;
            file["samples"] = samples;
        }

        H5WriteHelpers.WriteAtomically(file, path);
    }

    private H5Group BuildProblem(LinearProblem p, ProblemWriteOptions o, bool dryRun)
    {
        var g = new H5Group();
        g.Attributes["kind"] = p.Kind == ProblemKind.LinearSystem ? "linear_system" : "least_squares";
        g.Attributes["name"] = p.Name;
        foreach (var (key, value) in p.Attributes)
        {
            switch (key)
            {
                case "source" or "license" or "sequence" or "notes":
                    g.Attributes[key] = value;
                    break;
                case "symmetric" or "spd":
                    g.Attributes[key] = sbyte.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    break;
                case "cond2_estimate" or "time":
                    g.Attributes[key] = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                case "sequence_index":
                    g.Attributes[key] = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
            }
        }

        string prefix = "/problems/" + p.Id;
        g["A"] = OperatorGroup(p.A, o.Storage, o.StoredTriangle, o.Compression, prefix + "/A", 1, dryRun);
        H5WriteHelpers.RequireFinite(Flatten(p.B), $"Problem '{p.Id}': b");
        bool vector = p.IsSingleRightHandSide && p.B.GetLength(0) == 1;
        g["b"] = Block(p.B, vector, o.Compression);
        if (p.XExact is { } xe)
        {
            Check(xe, p.A.Columns, p.B.GetLength(0), $"Problem '{p.Id}': x_exact");
            g["x_exact"] = Block(xe, xe.GetLength(0) == 1 && (vector || p.B.GetLength(0) > 1), o.Compression);
        }

        if (p.X0 is { } x0)
        {
            Check(x0, p.A.Columns, p.B.GetLength(0), $"Problem '{p.Id}': x0");
            g["x0"] = Block(x0, x0.GetLength(0) == 1 && (vector || p.B.GetLength(0) > 1), o.Compression);
        }

        if (p.M is { } m)
        {
            var mg = OperatorGroup(m.Operator, null, "full", o.Compression, prefix + "/M", 1, dryRun);
            mg.Attributes["form"] = m.Form == PreconditionerForm.Inverse ? "inverse" : "cholesky_lower";
            if (m.Description is not null) mg.Attributes["description"] = m.Description;
            g["M"] = mg;
        }

        if (p.Grid is { } grid)
        {
            var gg = new H5Group();
            gg.Attributes["axes"] = grid.Axes.ToArray();
            for (int a = 0; a < grid.Axes.Count; a++)
            {
                H5WriteHelpers.RequireFinite(grid.Coordinates[a], $"Problem '{p.Id}': grid/{grid.Axes[a]}");
                gg[grid.Axes[a]] = H5WriteHelpers.Dataset(grid.Coordinates[a], o.Compression);
            }

            g["grid"] = gg;
        }

        if (p.Fields.Count > 0)
        {
            var fg = new H5Group();
            ulong[]? dims = p.Grid?.Shape.Select(s => (ulong)s).ToArray();
            foreach (var (name, values) in p.Fields)
            {
                H5WriteHelpers.RequireFinite(values, $"Problem '{p.Id}': fields/{name}");
                if (dims is not null && dims.Aggregate(1UL, (x, y) => x * y) != (ulong)values.Length)
                    throw new ArgumentException($"Problem '{p.Id}': field '{name}' has {values.Length} values, but the grid has a different size.");
                var ds = H5WriteHelpers.Dataset(values, o.Compression, dims is { Length: > 1 } ? dims : null);
                var dataset = ds as H5Dataset ?? new H5Dataset(ds);
                dataset.Attributes["location"] = "node";
                fg[name] = dataset;
            }

            g["fields"] = fg;
        }

        if (p.Meta.Count > 0)
        {
            var mg = new H5Group();
            foreach (var (key, value) in p.Meta) mg.Attributes[key] = value;
            g["meta"] = mg;
        }

        return g;
    }

    private static void Check(double[,] block, int n, int k, string what)
    {
        if (block.GetLength(1) != n)
            throw new ArgumentException($"{what} has length {block.GetLength(1)}, but A has {n} columns.");
        if (block.GetLength(0) != 1 && block.GetLength(0) != k)
            throw new ArgumentException($"{what} holds {block.GetLength(0)} vectors, but b holds {k}.");
        H5WriteHelpers.RequireFinite(Flatten(block), what);
    }

    private static double[] Flatten(double[,] m)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }

    private static object Block(double[,] m, bool asVector, int level) =>
        asVector ? H5WriteHelpers.Dataset(Flatten(m), level) : H5WriteHelpers.Dataset2D(m, level);
}
