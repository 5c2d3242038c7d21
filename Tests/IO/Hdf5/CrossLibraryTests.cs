using System.Globalization;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>
/// PS §7 rule 10 / REL §12.3: files the suite writes are read by h5py (libhdf5) and h5dump. Ignored with a clear
/// message when python3-h5py / hdf5-tools are absent (CI installs them).
/// </summary>
[TestFixture]
public class CrossLibraryTests
{
    private const string Python = "/usr/bin/python3";
    private const string H5Dump = "/usr/bin/h5dump";

    private static void RequireH5py()
    {
        if (!PythonHasH5py())
            Assert.Ignore("python3-h5py / python3-scipy are not installed (/usr/bin/python3 cannot import h5py, scipy): cross-library check skipped");
    }

    private static string WriteSet(out Dictionary<string, double[]> expected)
    {
        string path = TempFile();
        var w = new ProblemSetWriter();
        var map = new Dictionary<string, double[]>();
        expected = map;
        void Add(string id, CsrMatrix a, ProblemWriteOptions? o = null)
        {
            w.Add(Problem(id, a), o);
            map[id] = Apply(a, Ones(a.Columns));
        }

        Add("000000", Tridiagonal(20000));                                   // chunked shuffle + deflate 6
        Add("000001", Tridiagonal(300), new ProblemWriteOptions { Compression = 0 });
        Add("000002", SymmetricTridiagonal(3000), new ProblemWriteOptions { Compression = 9 });
        Add("000003", CsrMatrix.FromDense(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        w.Write(path);
        return path;
    }

    [Test]
    public void H5py_ReadsProblemSet_AndReproducesAOnes()
    {
        RequireH5py();
        string path = WriteSet(out var expected);
        const string script = """
import sys, h5py, numpy as np, scipy.sparse as sp
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "problem-set", f.attrs["format"]
assert f.attrs["format_version"] == "1.0.0"
order = [s.decode() if isinstance(s, bytes) else s for s in f["problems"].attrs["order"]]
for pid in order:
    g = f["problems"][pid]["A"]
    assert g.attrs["storage"] == "csr"
    shape = tuple(int(s) for s in g.attrs["shape"])
    assert g.attrs["shape"].dtype == np.int64
    assert g["indices"].dtype == np.int32
    a = sp.csr_matrix((g["data"][()], g["indices"][()], g["indptr"][()]), shape=shape)
    y = a @ np.ones(shape[1])
    print(pid, " ".join(repr(float(v)) for v in y))
""";
        var r = Run(Python, $"- \"{path}\"", script);
        Assert.That(r, Is.Not.Null);
        Assert.That(r!.Value.Code, Is.Zero, r.Value.Output);
        var lines = r.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(expected.Count), r.Value.Output);
        foreach (string line in lines)
        {
            var parts = line.Split(' ');
            var y = parts.Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var e = expected[parts[0]];
            Assert.That(y, Has.Length.EqualTo(e.Length));
            for (int i = 0; i < e.Length; i++)
                Assert.That(y[i], Is.EqualTo(e[i]).Within(1e-12 * Math.Max(1, Math.Abs(e[i]))), $"{parts[0]} row {i}");
        }
    }

    [Test]
    public void H5py_ReadsResultsFile()
    {
        RequireH5py();
        string path = TempFile("r.results.h5");
        var w = new ResultFileWriter("in.h5", "abc");
        w.Add(new ResultRun("000000", "cg", new SolverResult(ConvergenceReason.ConvergedRelativeTolerance, 3, 1, 1e-9, 1e-9, TimeSpan.FromSeconds(1)), [1, 2], null)
        {
            Method = "cg",
            Warnings = ["w1"],
        });
        w.Write(path);
        const string script = """
import sys, h5py
f = h5py.File(sys.argv[1], "r")
g = f["results/problems/000000/cg"]
print(f.attrs["format"], g.attrs["reason"], int(g.attrs["reason_code"]), int(g.attrs["converged"]), list(g["x"][()]), list(g.attrs["warnings"]))
""";
        var r = Run(Python, $"- \"{path}\"", script);
        Assert.That(r!.Value.Code, Is.Zero, r.Value.Output);
        Assert.That(r.Value.Output.Trim(), Is.EqualTo("problem-set-results ConvergedRelativeTolerance 1 1 [1.0, 2.0] ['w1']"));
    }

    [Test]
    public void H5dump_ReadsSuiteFiles()
    {
        if (!File.Exists(H5Dump)) Assert.Ignore("hdf5-tools (h5dump) is not installed: h5dump check skipped");
        string set = WriteSet(out _);
        var r = Run(H5Dump, $"-H \"{set}\"");
        Assert.That(r!.Value.Code, Is.Zero, r.Value.Output);
        Assert.That(r.Value.Output, Does.Contain("H5T_STD_I64LE").And.Contain("H5T_IEEE_F64LE"));
        string structured = TempFile("s.h5");
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", KroneckerOperator.Product(Tridiagonal(3), new Laplacian2D(3, 4, 1, 1).ToStencil())));
        w.Write(structured);
        var r2 = Run(H5Dump, $"\"{structured}\"");
        Assert.That(r2!.Value.Code, Is.Zero, r2.Value.Output);
    }
}
