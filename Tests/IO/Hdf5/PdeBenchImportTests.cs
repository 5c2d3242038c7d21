using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>PDEBench import (PS §10.5) on the committed fixtures of Tests/Fixtures/generate_h5.py, with negative twins.</summary>
[TestFixture]
public class PdeBenchImportTests
{
    // Fixture values (generate_h5.py): Darcy nu[s,j,k] = 1 if (s+j+k) even else 10, u[s,0,j,k] = (s+1)/4 + j/8 + k/16,
    // coordinates (i + 0.5)/8; 1-D u[s,t,x] = s + t/2 + x/32, x = (i + 0.5)/16, t-coordinate = 0, 0.25, …, 1.25 (T + 1 entries).
    private static float DarcyNu(int s, int j, int k) => (s + j + k) % 2 == 0 ? 1f : 10f;

    private static float DarcyU(int s, int j, int k) => (s + 1) * 0.25f + j * 0.125f + k * 0.0625f;

    [Test]
    public void Darcy_ImportsNuAndSqueezedU_WithGridAndBeta()
    {
        string path = Fixture("pdebench_darcy.h5");
        Assert.That(Hdf5FormatDetector.Detect(path), Is.EqualTo(Hdf5Flavor.PdeBench));
        var set = PdeBenchReader.ReadSamples(path);
        Assert.That(set.Name, Is.EqualTo("pdebench_darcy"));
        Assert.That(set.Pde, Is.EqualTo("darcy2d"));
        Assert.That(set.Layout, Is.EqualTo(new[] { "sample", "x", "y" }));
        Assert.That(set.GridShape, Is.EqualTo(new long[] { 8, 8 }));
        Assert.That(set.SampleCount, Is.EqualTo(3));
        Assert.That(set.FileSampleCount, Is.EqualTo(3));
        var nu = set.Inputs["nu"];
        var u = set.Outputs["u"];
        Assert.That(nu.ElementType, Is.EqualTo(SampleElementType.Float32));
        Assert.That(u.ElementType, Is.EqualTo(SampleElementType.Float32));
        Assert.That(nu.Shape, Is.EqualTo(new long[] { 3, 8, 8 }));
        Assert.That(u.Shape, Is.EqualTo(new long[] { 3, 8, 8 }), "time axis of length 1 squeezed");
        var nuData = nu.As<float>();
        var uData = u.As<float>();
        for (int s = 0; s < 3; s++)
        for (int j = 0; j < 8; j++)
        for (int k = 0; k < 8; k++)
        {
            int i = (s * 8 + j) * 8 + k;
            Assert.That(nuData[i], Is.EqualTo(DarcyNu(s, j, k)), $"nu ({s}, {j}, {k})");
            Assert.That(uData[i], Is.EqualTo(DarcyU(s, j, k)), $"u ({s}, {j}, {k})");
        }

        var x = Enumerable.Range(0, 8).Select(i => (i + 0.5) / 8).ToArray();
        Assert.That(set.Grid["x"], Is.EqualTo(x));
        Assert.That(set.Grid["y"], Is.EqualTo(x));
        Assert.That(set.Grid.ContainsKey("t"), Is.False);
        Assert.That(set.Params.Constants["beta"], Is.EqualTo(0.5));
        Assert.That(set.Attributes["source"], Is.EqualTo("pdebench:pdebench_darcy.h5#/tensor"));
        Assert.That(set.Attributes["license"], Is.EqualTo("CC-BY-4.0"));
        Assert.That(set.Attributes["source_sha256"], Has.Length.EqualTo(64));
        Assert.That(set.Attributes["importer"], Does.StartWith("pdebench importer"));
        Assert.That(set.Report.Format, Is.EqualTo("pdebench"));
    }

    [Test]
    public void Darcy_PartialRead_AndOptions()
    {
        var full = PdeBenchReader.ReadSamples(Fixture("pdebench_darcy.h5"));
        var part = PdeBenchReader.ReadSamples(Fixture("pdebench_darcy.h5"), new PdeBenchImportOptions { Name = "darcy", Pde = "darcy2d-beta0.5" }, 1..3);
        Assert.That(part.Name, Is.EqualTo("darcy"));
        Assert.That(part.Pde, Is.EqualTo("darcy2d-beta0.5"));
        Assert.That(part.FirstSample, Is.EqualTo(1));
        Assert.That(part.Outputs["u"].Shape, Is.EqualTo(new long[] { 2, 8, 8 }));
        Assert.That(part.Outputs["u"].As<float>(), Is.EqualTo(full.Outputs["u"].As<float>()[64..]));
        Assert.That(part.Inputs["nu"].As<float>(), Is.EqualTo(full.Inputs["nu"].As<float>()[64..]));
    }

    [Test]
    public void Darcy_BudgetSmallerThanTheSet_IsLimitExceeded()
    {
        var o = new PdeBenchImportOptions { Reader = new ProblemReaderOptions { MemoryBudgetBytes = 1000 } };
        ThrowsProblem(ProblemFileError.LimitExceeded, () => PdeBenchReader.ReadSamples(Fixture("pdebench_darcy.h5"), o));
    }

    [Test]
    public void Darcy_NegativeTwin_IsShapeMismatch()
    {
        var e = ThrowsProblem(ProblemFileError.ShapeMismatch, () => PdeBenchReader.ReadSamples(Fixture("pdebench_darcy_badshape.h5")));
        Assert.That(e.ObjectPath, Is.EqualTo("/nu"));
    }

    [Test]
    public void Darcy_ImportedThenWritten_ReadsBackIdentically()
    {
        var set = PdeBenchReader.ReadSamples(Fixture("pdebench_darcy.h5"));
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(set);
        w.Write(path);
        using var r = ProblemSetReader.Open(path);
        var back = r.ReadSamples("pdebench_darcy");
        Assert.That(back.Pde, Is.EqualTo("darcy2d"));
        Assert.That(back.Inputs["nu"].As<float>(), Is.EqualTo(set.Inputs["nu"].As<float>()));
        Assert.That(back.Outputs["u"].As<float>(), Is.EqualTo(set.Outputs["u"].As<float>()));
        Assert.That(back.Grid["x"], Is.EqualTo(set.Grid["x"]));
        Assert.That(back.Params.Constants["beta"], Is.EqualTo(0.5));
        Assert.That(back.Attributes["source"], Is.EqualTo(set.Attributes["source"]));
        Assert.That(back.Attributes["license"], Is.EqualTo("CC-BY-4.0"));
    }

    [Test]
    public void OneDimensional_ImportsTrajectoryWithTimeAxis()
    {
        var set = PdeBenchReader.ReadSamples(Fixture("pdebench_1d_advection.h5"));
        Assert.That(set.Pde, Is.EqualTo("advection1d"));
        Assert.That(set.Layout, Is.EqualTo(new[] { "sample", "t", "x" }));
        Assert.That(set.GridShape, Is.EqualTo(new long[] { 16 }));
        Assert.That(set.Inputs, Is.Empty);
        var u = set.Outputs["u"];
        Assert.That(u.Shape, Is.EqualTo(new long[] { 2, 5, 16 }));
        var data = u.As<float>();
        for (int s = 0; s < 2; s++)
        for (int t = 0; t < 5; t++)
        for (int x = 0; x < 16; x++)
            Assert.That(data[(s * 5 + t) * 16 + x], Is.EqualTo(s + t * 0.5f + x * 0.03125f), $"u ({s}, {t}, {x})");
        Assert.That(set.Grid["x"], Is.EqualTo(Enumerable.Range(0, 16).Select(i => (i + 0.5) / 16).ToArray()));
        Assert.That(set.Grid["t"], Is.EqualTo(new[] { 0, 0.25, 0.5, 0.75, 1.0 }), "first T of the T + 1 t-coordinate entries");
        Assert.That(set.Report.Warnings, Has.Some.Contains("t-coordinate has 6 entries for 5 time steps"));
        Assert.That(set.Attributes["import_warnings"], Does.Contain("t-coordinate"));

        var part = PdeBenchReader.ReadSamples(Fixture("pdebench_1d_advection.h5"), samples: 1..);
        Assert.That(part.Outputs["u"].As<float>(), Is.EqualTo(data[80..]));
    }

    [Test]
    public void OneDimensional_NegativeTwin_IsNonFiniteValue_WithIndex()
    {
        var e = ThrowsProblem(ProblemFileError.NonFiniteValue, () => PdeBenchReader.ReadSamples(Fixture("pdebench_1d_nan.h5")));
        Assert.That(e.ObjectPath, Is.EqualTo("/tensor"));
        Assert.That(e.Message, Does.Contain("first at (1, 2, 3): NaN"));
        Assert.That(PdeBenchReader.ReadSamples(Fixture("pdebench_1d_nan.h5"), samples: 0..1).SampleCount, Is.EqualTo(1), "sample 0 is finite");
    }

    [Test]
    public void PerSeedLayout_IsUnsupportedFeature_AndNoTensor_IsSchemaViolation()
    {
        string dir = TempDir();
        string seed = Path.Combine(dir, "seed.h5");
        var g = new H5Group { ["data"] = new double[2, 3, 1], ["grid"] = new H5Group { ["x"] = new[] { 0.0, 1, 2 } } };
        new H5File { ["0000"] = g }.Write(seed);
        ThrowsProblem(ProblemFileError.UnsupportedFeature, () => PdeBenchReader.ReadSamples(seed));
        string none = Path.Combine(dir, "none.h5");
        new H5File { ["x-coordinate"] = new[] { 0.0, 1 } }.Write(none);
        ThrowsProblem(ProblemFileError.SchemaViolation, () => PdeBenchReader.ReadSamples(none));
    }

    [Test]
    public void TensorDisagreeingWithCoordinates_IsShapeMismatch()
    {
        string path = TempFile("bad.h5");
        new H5File { ["tensor"] = new float[2, 3, 5], ["x-coordinate"] = new float[] { 0, 1, 2, 3 } }.Write(path);
        var e = ThrowsProblem(ProblemFileError.ShapeMismatch, () => PdeBenchReader.ReadSamples(path));
        Assert.That(e.ObjectPath, Is.EqualTo("/tensor"));
    }
}
