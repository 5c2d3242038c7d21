using System.Globalization;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>
/// Files written by h5py at test time (libhdf5's own encoder, not PureHDF's) are read correctly: a native problem with
/// gzip + shuffle chunks and vlen string attributes, a scipy-style CSR group and a MATLAB-like sparse v7.3 file.
/// Ignored with a clear message when python3-h5py / python3-scipy are absent.
/// </summary>
[TestFixture]
public class H5pyWrittenFileTests
{
    private const string Script = """
import sys, os, h5py, numpy as np, scipy.sparse as sp
out = sys.argv[1]
a = sp.random(400, 300, density=0.05, random_state=np.random.RandomState(7), format="csr")
a.sort_indices()
sq = (sp.random(300, 300, density=0.04, random_state=np.random.RandomState(3)) + sp.identity(300) * 5).tocsr()
sq.sort_indices()
b = sq @ np.ones(300)

with h5py.File(os.path.join(out, "native.h5"), "w") as f:
    f.attrs["format"] = "problem-set"          # h5py writes str as vlen UTF-8
    f.attrs["format_version"] = "1.0.0"
    p = f.create_group("problems/000000")
    p.attrs["kind"] = "linear_system"
    p.attrs["name"] = "h5py wrote this ✓"
    p.attrs["notes"] = "vlen UTF-8"
    g = p.create_group("A")
    g.attrs["storage"] = "csr"
    g.attrs["shape"] = np.array(sq.shape, dtype=np.int64)
    for name, arr in (("indptr", sq.indptr.astype(np.int64)), ("indices", sq.indices.astype(np.int32)), ("data", sq.data)):
        g.create_dataset(name, data=arr, chunks=(64,), compression="gzip", compression_opts=5, shuffle=True)
    p.create_dataset("b", data=b, chunks=(100,), compression="gzip", shuffle=True)

with h5py.File(os.path.join(out, "group.h5"), "w") as f:
    g = f.create_group("M")
    g.attrs["shape"] = np.array(a.shape)
    g.attrs["format"] = "csr"
    g.create_dataset("data", data=a.data.astype(np.float32).astype(np.float64), compression="gzip", shuffle=True)
    g.create_dataset("indices", data=a.indices, compression="gzip")
    g.create_dataset("indptr", data=a.indptr)

c = sq.tocsc()
c.sort_indices()
with h5py.File(os.path.join(out, "m.mat"), "w", userblock_size=512) as f:
    g = f.create_group("A")
    g.attrs["MATLAB_class"] = np.bytes_("double")
    g.attrs["MATLAB_sparse"] = np.uint64(sq.shape[0])
    g.create_dataset("jc", data=c.indptr.astype(np.uint64), compression="gzip")
    g.create_dataset("ir", data=c.indices.astype(np.uint64), compression="gzip")
    g.create_dataset("data", data=c.data, compression="gzip")
    d = f.create_dataset("b", data=b.reshape(1, -1))
    d.attrs["MATLAB_class"] = np.bytes_("double")
with open(os.path.join(out, "m.mat"), "r+b") as fh:
    head = b"MATLAB 7.3 MAT-file, Platform: test".ljust(116, b" ") + bytes(8) + (0x0200).to_bytes(2, "little") + b"IM"
    fh.write(head)

print("sq1", " ".join(repr(float(v)) for v in sq @ np.ones(300)))
print("arow", " ".join(repr(float(v)) for v in sp.csr_matrix((a.data.astype(np.float32).astype(np.float64), a.indices, a.indptr), shape=a.shape) @ np.ones(300)))
""";

    private static Dictionary<string, double[]> RunScript(string dir)
    {
        if (!PythonHasH5py())
            Assert.Ignore("python3-h5py / python3-scipy are not installed (/usr/bin/python3 cannot import h5py, scipy): h5py-written files not tested");
        var r = Run("/usr/bin/python3", $"- \"{dir}\"", Script);
        Assert.That(r!.Value.Code, Is.Zero, r.Value.Output);
        return r.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p.Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray());
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-12 * Math.Max(1, Math.Abs(expected[i]))), $"index {i}");
    }

    [Test]
    public void H5pyFiles_AreReadCorrectly()
    {
        string dir = TempDir();
        var expected = RunScript(dir);

        using (var reader = ProblemSetReader.Open(Path.Combine(dir, "native.h5")))
        {
            var p = reader.ReadProblem("000000");
            Assert.That(p.Name, Is.EqualTo("h5py wrote this ✓"));
            Assert.That(p.Attributes["notes"], Is.EqualTo("vlen UTF-8"));
            AssertClose(expected["sq1"], Apply(p.A, Ones(300)));
            AssertClose(expected["sq1"], p.GetRightHandSide(0));
            Assert.That(p.Report.Warnings, Is.Empty);
        }

        var g = SparseGroupReader.ReadProblem(Path.Combine(dir, "group.h5"));
        Assert.That(g.A.Rows, Is.EqualTo(400));
        Assert.That(g.A.Columns, Is.EqualTo(300));
        AssertClose(expected["arow"], Apply(g.A, Ones(300)));

        var m = MatlabV73Reader.ReadProblem(Path.Combine(dir, "m.mat"));
        AssertClose(expected["sq1"], Apply(m.A, Ones(300)));
        AssertClose(expected["sq1"], m.GetRightHandSide(0));
        Assert.That(Hdf5FormatDetector.Detect(Path.Combine(dir, "m.mat")), Is.EqualTo(Hdf5Flavor.Matlab));
        Assert.That(Hdf5FormatDetector.Detect(Path.Combine(dir, "native.h5")), Is.EqualTo(Hdf5Flavor.Native));
    }
}
