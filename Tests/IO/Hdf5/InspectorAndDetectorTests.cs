using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

[TestFixture]
public class InspectorAndDetectorTests
{
    private static string Write(H5File f, string name = "w.h5")
    {
        string path = TempFile(name);
        f.Write(path);
        return path;
    }

    [TestCase("native_plain.h5", Hdf5Flavor.Native)]
    [TestCase("mat_dense.mat", Hdf5Flavor.Matlab)]
    [TestCase("mat_struct.mat", Hdf5Flavor.Matlab)]
    [TestCase("anndata_csr.h5", Hdf5Flavor.Anndata)]
    [TestCase("h5sparse_csc.h5", Hdf5Flavor.H5Sparse)]
    [TestCase("tenx.h5", Hdf5Flavor.TenX)]
    [TestCase("scipy_csr.h5", Hdf5Flavor.GenericCsr)]
    [TestCase("scipy_nolayout.h5", Hdf5Flavor.GenericCsr)]
    [TestCase("ext_target.h5", Hdf5Flavor.Unknown)]
    [TestCase("ext_raw.bin", Hdf5Flavor.Unknown)]
    public void Detect_Fixture_GivesItsFlavor(string fixture, Hdf5Flavor flavor)
    {
        Assert.That(Hdf5FormatDetector.Detect(Fixture(fixture)), Is.EqualTo(flavor));
    }

    [Test]
    public void Detect_MatlabClassWithoutHeader_IsMatlab()
    {
        var d = new H5Dataset(new[] { 1.0 });
        d.Attributes["MATLAB_class"] = "double";
        Assert.That(Hdf5FormatDetector.Detect(Write(new H5File { ["A"] = d })), Is.EqualTo(Hdf5Flavor.Matlab));
    }

    [Test]
    public void Detect_PdeBenchLayouts()
    {
        Assert.That(Hdf5FormatDetector.Detect(Write(new H5File { ["tensor"] = new double[2, 1, 3], ["x-coordinate"] = new[] { 0.0, 1, 2 } })),
            Is.EqualTo(Hdf5Flavor.PdeBench));
        var seed = new H5Group { ["data"] = new double[2, 3, 1], ["grid"] = new H5Group { ["x"] = new[] { 0.0, 1, 2 } } };
        Assert.That(Hdf5FormatDetector.Detect(Write(new H5File { ["0000"] = seed }, "seed.h5")), Is.EqualTo(Hdf5Flavor.PdeBench));
    }

    [Test]
    public void Detect_PetscLayouts()
    {
        var g = new H5Group { ["jc"] = new ulong[] { 0, 1 }, ["ir"] = new ulong[] { 0 }, ["data"] = new[] { 1.0 } };
        g.Attributes["MATLAB_sparse"] = 1UL;
        Assert.That(Hdf5FormatDetector.Detect(Write(new H5File { ["A"] = g })), Is.EqualTo(Hdf5Flavor.Petsc));
        var v = new H5Dataset(new double[2, 3]);
        v.Attributes["timestepping"] = (byte)1;
        Assert.That(Hdf5FormatDetector.Detect(Write(new H5File { ["x"] = v }, "vec.h5")), Is.EqualTo(Hdf5Flavor.Petsc));
    }

    [Test]
    public void Detect_Malformed_ThrowsProblemFileException()
    {
        var bytes = File.ReadAllBytes(Fixture("native_plain.h5"));
        string path = TempFile("cut.h5");
        File.WriteAllBytes(path, bytes.AsSpan(0, 200).ToArray());
        ThrowsProblem(ProblemFileError.Malformed, () => Hdf5FormatDetector.Detect(path));
    }

    [Test]
    public void Walk_ListsObjectsWithShapesTypesLayoutsFiltersAttributes()
    {
        var r = Hdf5Inspector.Walk(Fixture("native_gzip_shuffle.h5"));
        var data = r.Objects.Single(o => o.Path == "/problems/000000/A/data");
        Assert.That(data.Kind, Is.EqualTo(Hdf5ObjectKind.Dataset));
        Assert.That(data.Shape, Is.EqualTo(new long[] { 7 }));
        Assert.That(data.DataType, Is.EqualTo("f64"));
        Assert.That(data.Layout, Is.EqualTo("chunked (4)"));
        Assert.That(data.Filters, Is.EqualTo(new[] { "'shuffle' (id 2)", "'deflate' (id 1)" }));
        var a = r.Objects.Single(o => o.Path == "/problems/000000/A");
        Assert.That(a.Attributes["storage"], Is.EqualTo("csr"));
        Assert.That(a.Attributes["shape"], Is.EqualTo("3,3"));
        Assert.That(r.Objects[0].Path, Is.EqualTo("/"));
        Assert.That(r.Warnings, Is.Empty);
    }

    [Test]
    public void Walk_HardLinkCycle_IsReportedOnceAndTerminates()
    {
        var r = Hdf5Inspector.Walk(Fixture("cycle_root.h5"));
        Assert.That(r.Warnings, Is.EqualTo(new[] { "cycle at /g/loop → /" }));
        Assert.That(r.Objects.Select(o => o.Path), Is.EqualTo(new[] { "/", "/g", "/g/d" }));
    }

    [Test]
    public void Walk_UnsupportedFeatures_AreWarnings()
    {
        var r = Hdf5Inspector.Walk(Fixture("native_lzf.h5"));
        Assert.That(r.Warnings, Has.Some.Contains("'lzf' (id 32000)"));
        var ext = Hdf5Inspector.Walk(Fixture("external_storage.h5"));
        Assert.That(ext.Warnings, Has.Some.Contains("external raw storage"));
    }

    [Test]
    public void Walk_DanglingLink_IsMalformed_AndExternalLinkRefusedWhenUntrusted()
    {
        ThrowsProblem(ProblemFileError.Malformed, () => Hdf5Inspector.Walk(Fixture("link_dangling_A.h5")));
        ThrowsProblem(ProblemFileError.UnsupportedFeature, () => Hdf5Inspector.Walk(Fixture("link_external.h5")));
        var trusted = Hdf5Inspector.Walk(Fixture("link_external.h5"), new Hdf5WalkCaps { Untrusted = false });
        Assert.That(trusted.Warnings, Has.Some.Contains("external link"));
    }

    [Test]
    public void Walk_DeepNesting_BeyondCap_IsLimitExceeded()
    {
        var root = new H5File();
        H5Group current = root;
        for (int i = 0; i < 33; i++)
        {
            var g = new H5Group();
            current["g"] = g;
            current = g;
        }

        string path = Write(root);
        ThrowsProblem(ProblemFileError.LimitExceeded, () => Hdf5Inspector.Walk(path));
        Assert.That(Hdf5Inspector.Walk(path, new Hdf5WalkCaps { MaxDepth = 33 }).Objects, Has.Count.EqualTo(34));
    }

    [Test]
    public void Walk_WideGroup_BeyondObjectCap_IsLimitExceeded()
    {
        var f = new H5File();
        for (int i = 0; i < 1001; i++) f["g" + i] = new H5Group();
        string path = Write(f);
        ThrowsProblem(ProblemFileError.LimitExceeded, () => Hdf5Inspector.Walk(path, new Hdf5WalkCaps { MaxObjects = 1000 }));
        Assert.That(Hdf5Inspector.Walk(path).Objects, Has.Count.EqualTo(1002));
    }

    [Test]
    public void Walk_TooManyAttributes_AndHugeString_AreLimitExceeded()
    {
        var f = new H5File();
        for (int i = 0; i < 101; i++) f.Attributes["a" + i] = i;
        string path = Write(f);
        ThrowsProblem(ProblemFileError.LimitExceeded, () => Hdf5Inspector.Walk(path, new Hdf5WalkCaps { MaxAttributesPerObject = 100 }));

        var big = new H5File();
        big.Attributes["s"] = new string('x', 2 << 20);
        string bigPath = Write(big, "big.h5");
        ThrowsProblem(ProblemFileError.LimitExceeded, () => Hdf5Inspector.Walk(bigPath));
    }
}
