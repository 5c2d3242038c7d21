namespace Solvers.IO.Hdf5;

/// <summary>The flavour of an HDF5 file (PS §9 item 5).</summary>
public enum Hdf5Flavor
{
    /// <summary>None of the known layouts.</summary>
    Unknown,
    /// <summary>The suite's problem set (root format = "problem-set").</summary>
    Native,
    /// <summary>MATLAB v7.3 variables (MATLAB_class attributes).</summary>
    Matlab,
    /// <summary>anndata CSR/CSC group.</summary>
    Anndata,
    /// <summary>h5sparse group.</summary>
    H5Sparse,
    /// <summary>10x Genomics matrix group.</summary>
    TenX,
    /// <summary>PDEBench sample file.</summary>
    PdeBench,
    /// <summary>PETSc HDF5 Vec/Mat.</summary>
    Petsc,
    /// <summary>A group with data/indices/indptr and no layout marker.</summary>
    GenericCsr,
}

/// <summary>Detects the flavour of an HDF5 file from its root attributes and top-level objects.</summary>
public static class Hdf5FormatDetector
{
    /// <summary>Detects the flavour of <paramref name="path"/>; throws <see cref="ProblemFileException"/> when it cannot be opened.</summary>
    public static Hdf5Flavor Detect(string path)
    {
        using var h5 = H5Access.Open(path, untrusted: true, budget: 1L << 20, logger: null);
        var root = h5.Root;
        if (h5.StringAttribute(root, "/", "format") == "problem-set") return Hdf5Flavor.Native;
        var children = h5.Children(root, "/", 10_000);
        if (children.Any(c => c.Name == "tensor") || children.Any(c => c.Name.Length == 4 && c.Name.All(char.IsAsciiDigit)))
            return Hdf5Flavor.PdeBench;
        foreach (var (name, obj) in children)
        {
            if (name.StartsWith('#')) continue;
            string p = H5Access.Join("/", name);
            if (h5.HasAttribute(obj, p, "MATLAB_class")) return Hdf5Flavor.Matlab;
        }

        foreach (var (name, obj) in children)
        {
            string p = H5Access.Join("/", name);
            if (obj is not PureHDF.IH5Group g) continue;
            string? enc = h5.StringAttribute(obj, p, "encoding-type");
            if (enc is "csr_matrix" or "csc_matrix") return Hdf5Flavor.Anndata;
            if (h5.HasAttribute(obj, p, "h5sparse_format")) return Hdf5Flavor.H5Sparse;
            var names = h5.Children(g, p, 1000).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            bool csr = names.Contains("data") && names.Contains("indices") && names.Contains("indptr");
            if (csr && names.Contains("shape")) return Hdf5Flavor.TenX;
            if (names.Contains("jc") && names.Contains("ir")) return Hdf5Flavor.Petsc;
            if (csr) return Hdf5Flavor.GenericCsr;
        }

        return Hdf5Flavor.Unknown;
    }
}
