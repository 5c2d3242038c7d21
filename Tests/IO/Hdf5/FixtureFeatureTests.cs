using NUnit.Framework;
using PureHDF;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

/// <summary>REL §11.1: every layout the reader claims to support, on files written by h5py (Tests/Fixtures/generate_h5.py).</summary>
[TestFixture]
public class FixtureFeatureTests
{
    private static readonly double[,] Tri = { { 4, -1, 0 }, { -1, 4, -1 }, { 0, -1, 4 } };

    private static void AssertTridiagonalProblem(LinearProblem p)
    {
        Assert.That(((CsrMatrix)p.A).ToDense(), Is.EqualTo(Tri));
        Assert.That(p.GetRightHandSide(0), Is.EqualTo(new double[] { 3, 2, 3 }));
    }

    [TestCase("native_plain.h5")]
    [TestCase("native_fixed_strings.h5")]
    [TestCase("native_bigendian.h5")]
    [TestCase("native_bigendian_chunked.h5")]
    [TestCase("native_fletcher32.h5")]
    [TestCase("native_gzip_shuffle.h5")]
    [TestCase("native_bool_enum.h5")]
    public void SupportedFeature_IsReadCorrectly(string fixture)
    {
        var p = ReadOnly(Fixture(fixture));
        AssertTridiagonalProblem(p);
        Assert.That(p.Report.Warnings, Is.Empty);
    }

    [Test]
    public void FixedLengthStrings_AreTrimmedAndDecoded()
    {
        var p = ReadOnly(Fixture("native_fixed_strings.h5"));
        Assert.That(p.Name, Is.EqualTo("tridiag3 é"));
        Assert.That(p.Attributes["kind"], Is.EqualTo("linear_system"));
        using var r = ProblemSetReader.Open(Fixture("native_fixed_strings.h5"));
        Assert.That(r.RootAttributes["format"], Is.EqualTo("problem-set"));
    }

    [Test]
    public void H5pyBoolEnum_IsATriState()
    {
        var p = ReadOnly(Fixture("native_bool_enum.h5"));
        Assert.That(p.Attributes["symmetric"], Is.EqualTo("1"));
        Assert.That(p.Attributes["spd"], Is.EqualTo("1"));
        Assert.That(p.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True);
    }

    [Test]
    public void F32Data_IsWidenedWithAWarning()
    {
        var p = ReadOnly(Fixture("native_f32.h5"));
        AssertTridiagonalProblem(p);
        Assert.That(p.Report.Warnings, Has.Exactly(1).Contains("f32"));
    }

    [TestCase("native_f16.h5", ProblemFileError.TypeMismatch, "f16")]
    [TestCase("native_bigendian_attr.h5", ProblemFileError.UnsupportedFeature, "big-endian")]
    [TestCase("native_lzf.h5", ProblemFileError.UnsupportedFeature, "'lzf' (id 32000)")]
    [TestCase("native_unknown_filter.h5", ProblemFileError.UnsupportedFeature, "(id 40001)")]
    [TestCase("link_dangling_A.h5", ProblemFileError.Malformed, "dangling")]
    [TestCase("link_dangling_meta.h5", ProblemFileError.Malformed, "dangling")]
    [TestCase("link_external.h5", ProblemFileError.UnsupportedFeature, "external link")]
    [TestCase("external_storage.h5", ProblemFileError.UnsupportedFeature, "external raw storage")]
    [TestCase("virtual_dataset.h5", ProblemFileError.UnsupportedFeature, "virtual dataset")]
    [TestCase("cycle_kronecker.h5", ProblemFileError.Malformed, "cycle")]
    public void RefusedFeature_FailsWithTheDocumentedError(string fixture, ProblemFileError error, string messagePart)
    {
        var e = ThrowsProblem(error, () => ReadOnly(Fixture(fixture)), fixture);
        Assert.That(e.Message, Does.Contain(messagePart));
        Assert.That(e.ObjectPath, Is.Not.Null);
    }

    [Test]
    public void BigEndianFixture_IsReallyBigEndian_SoPureHdfStillCannotConvertIt()
    {
        // Pins rule E1: if a PureHDF upgrade starts converting byte order, this test tells us the raw path is obsolete.
        using var f = H5File.OpenRead(Fixture("native_bigendian.h5"));
        var ex = Assert.Catch(() => f.Dataset("/problems/000000/b").Read<double[]>());
        Assert.That(ex!.Message, Does.Contain("Byte order conversion"));
    }

    [Test]
    public void ExternalLink_TrustedMode_IsFollowed()
    {
        var p = ReadOnly(Fixture("link_external.h5"), new ProblemReaderOptions { Untrusted = false });
        AssertTridiagonalProblem(p);
    }

    [Test]
    public void PureHdfInternals_AreAvailable()
    {
        Assert.That(PureHdfInternals.IsAvailable, Is.True, "missing: " + string.Join(", ", PureHdfInternals.MissingMembers));
    }

    [Test]
    public void PureHdfInternals_IdentityDetectsTheHardLinkCycle()
    {
        using var f = H5File.OpenRead(Fixture("cycle_root.h5"));
        var root = PureHdfInternals.Identity(f);
        var loop = PureHdfInternals.Identity(f.Group("/g/loop"));
        var g = PureHdfInternals.Identity(f.Group("/g"));
        Assert.That(root, Is.Not.Null);
        Assert.That(loop, Is.EqualTo(root));
        Assert.That(g, Is.Not.EqualTo(root));
    }

    [Test]
    public void PureHdfInternals_SeesFiltersAndExternalStorage()
    {
        using var lzf = H5File.OpenRead(Fixture("native_lzf.h5"));
        Assert.That(PureHdfInternals.Filters(lzf.Dataset("/problems/000000/A/data"))!.Select(f => f.Id), Has.Member(32000));
        using var ext = H5File.OpenRead(Fixture("external_storage.h5"));
        Assert.That(PureHdfInternals.HasExternalStorage(ext.Dataset("/problems/000000/b")), Is.True);
        Assert.That(PureHdfInternals.HasExternalStorage(ext.Dataset("/problems/000000/A/data")), Is.False);
    }

    [Test]
    public void PureHdfInternals_ExternalLinkTarget_BelongsToAnotherFile()
    {
        using var f = H5File.OpenRead(Fixture("link_external.h5"));
        var a = PureHdfInternals.FileOf(f.Dataset("/problems/000000/A/data"));
        var b = PureHdfInternals.FileOf(f.Dataset("/problems/000000/b"));
        Assert.That(a, Is.Not.Null);
        Assert.That(ReferenceEquals(a, b), Is.False);
    }
}
