using System.Text;

namespace Solvers.IO.Hdf5;

/// <summary>What an HDF5 file holds (PS §9, items 1 and 5).</summary>
public enum Hdf5Flavor
{
    /// <summary>Not recognised (or not HDF5).</summary>
    Unknown,
    /// <summary>A problem-set file of this suite (root format = "problem-set").</summary>
    Native,
    /// <summary>MATLAB v7.3 MAT-file (header text or MATLAB_class attributes).</summary>
    Matlab,
    /// <summary>anndata sparse group (encoding-type csr_matrix / csc_matrix).</summary>
    Anndata,
    /// <summary>h5sparse group (h5sparse_format).</summary>
    H5Sparse,
    /// <summary>10x Genomics matrix (data/indices/indptr plus a shape dataset).</summary>
    TenX,
    /// <summary>PDEBench data (tensor + x-coordinate, or per-seed groups with data and grid).</summary>
    PdeBench,
    /// <summary>PETSc layouts (jc/ir/data with MATLAB_sparse, or Vec datasets with timestepping).</summary>
    Petsc,
    /// <summary>A data/indices/indptr group without a family marker (needs --layout).</summary>
    GenericCsr,
}

/// <summary>Picks the HDF5 importer from the content, never from the extension (PS §9).</summary>
public static class Hdf5FormatDetector
{
    /// <summary>Detects the flavor of an HDF5 file; <see cref="Hdf5Flavor.Unknown"/> for non-HDF5 files.</summary>
    /// <exception cref="ProblemFileException">The file is missing, or HDF5 but malformed.</exception>
    public static Hdf5Flavor Detect(string path) => Detect(path, Hdf5WalkCaps.Default);

    /// <summary>Detects the flavor with explicit walk caps.</summary>
    public static Hdf5Flavor Detect(string path, Hdf5WalkCaps caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        if (!File.Exists(path)) throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found");
        long length = new FileInfo(path).Length;
        if (H5Access.FindSignature(path, length) < 0) return Hdf5Flavor.Unknown;
        var head = new byte[19];
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            _ = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (Encoding.ASCII.GetString(head) == "MATLAB 7.3 MAT-file") return Hdf5Flavor.Matlab;
        using var h = H5Access.Open(path, caps.Untrusted, long.MaxValue, null);
        if (h.HasAttribute(h.Root, "/", "format") && SafeString(h, "format") == "problem-set") return Hdf5Flavor.Native;
        var objects = Hdf5Inspector.WalkOpen(h, caps).Objects;
        var byPath = objects.ToDictionary(o => o.Path, StringComparer.Ordinal);
        var groups = objects.Where(o => o.Kind == Hdf5ObjectKind.Group).ToList();

        bool HasChild(Hdf5ObjectInfo g, string name, Hdf5ObjectKind? kind = null) =>
            byPath.TryGetValue(H5Access.Join(g.Path, name), out var c) && (kind is null || c.Kind == kind);

        bool Csr(Hdf5ObjectInfo g) => HasChild(g, "data") && HasChild(g, "indices") && HasChild(g, "indptr");

        if (objects.Any(o => o.Attributes.ContainsKey("MATLAB_class"))) return Hdf5Flavor.Matlab;
        if (groups.Any(g => g.Attributes.TryGetValue("encoding-type", out var e) && e is "csr_matrix" or "csc_matrix")) return Hdf5Flavor.Anndata;
        if (groups.Any(g => g.Attributes.ContainsKey("h5sparse_format"))) return Hdf5Flavor.H5Sparse;
        if (groups.Any(g => Csr(g) && HasChild(g, "shape", Hdf5ObjectKind.Dataset))) return Hdf5Flavor.TenX;
        if ((byPath.ContainsKey("/tensor") && byPath.ContainsKey("/x-coordinate"))
            || groups.Any(g => g.Path.Length == 5 && g.Path[1..].All(char.IsAsciiDigit) && HasChild(g, "data") && HasChild(g, "grid", Hdf5ObjectKind.Group)))
            return Hdf5Flavor.PdeBench;
        if (groups.Any(g => HasChild(g, "jc") && HasChild(g, "ir") && HasChild(g, "data") && g.Attributes.ContainsKey("MATLAB_sparse"))
            || objects.Any(o => o.Kind == Hdf5ObjectKind.Dataset && o.Attributes.ContainsKey("timestepping")))
            return Hdf5Flavor.Petsc;
        if (groups.Any(Csr)) return Hdf5Flavor.GenericCsr;
        return Hdf5Flavor.Unknown;
    }

    private static string? SafeString(H5Access h, string name)
    {
        try
        {
            return h.StringAttribute(h.Root, "/", name);
        }
        catch (ProblemFileException e) when (e.Error is ProblemFileError.TypeMismatch or ProblemFileError.SchemaViolation)
        {
            return null;
        }
    }
}
