using NUnit.Framework;

namespace Solvers.Tests.Cli;

/// <summary>
/// Malformed and hostile files through the whole CLI path (isolated validation child, then the in-process load):
/// every one ends with exit code 1 and a one-line message naming the problem, never a crash or a stack trace
/// (REL §2, §5.2, §11.2).
/// </summary>
[TestFixture]
[NonParallelizable]
public class CliBadInputTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "solvers-cli-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "h5", name);

    private static void AssertCleanFailure(CliRunner.Outcome o, string expectedFragment)
    {
        Assert.That(o.ExitCode, Is.EqualTo(1), o.All);
        Assert.That(o.Stderr, Does.Contain("error"), o.All);
        Assert.That(o.Stderr, Does.Contain(expectedFragment).IgnoreCase, o.All);
        Assert.That(o.All, Does.Not.Contain("Unhandled exception"));
        Assert.That(o.All, Does.Not.Contain("   at "), "no stack trace");
    }

    [TestCase("native_lzf.h5", "lzf")]
    [TestCase("native_unknown_filter.h5", "filter")]
    [TestCase("link_dangling_A.h5", "dangling")]
    [TestCase("cycle_kronecker.h5", "/problems/000000/A")]
    [TestCase("external_storage.h5", "external")]
    [TestCase("link_external.h5", "external")]
    [TestCase("huge_unallocated.h5", "")]
    [TestCase("native_bigendian_attr.h5", "big-endian")]
    [TestCase("mat_complex.mat", "complex")]
    [TestCase("scipy_nolayout.h5", "--layout")]
    public void Solve_MalformedFixture_ExitsOneWithMessage(string fixture, string fragment)
    {
        AssertCleanFailure(CliRunner.Run("solve", Fixture(fixture), "--no-output"), fragment);
    }

    [Test]
    public void Solve_OverMemoryBudget_ExitsOneNamingTheOption()
    {
        string problems = Path.Combine(Solvers.Tests.TestSupport.SharedData.RepositoryRoot, "problems", "poisson2d_256_csr.h5");
        AssertCleanFailure(CliRunner.Run("solve", problems, "--max-memory", "64K", "--no-output"), "--max-memory");
    }

    [Test]
    public void Solve_RightHandSideOfWrongLength_ExitsOneWithBothSizes()
    {
        string a = Path.Combine(_dir, "m.mtx");
        File.WriteAllText(a, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 1\n");
        File.WriteAllText(Path.Combine(_dir, "m_b.mtx"), "%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n");
        AssertCleanFailure(CliRunner.Run("solve", a, "--no-output"), "3");
    }

    [Test]
    public void Solve_IntegerFieldWithFraction_ExitsOneNamingTheLine()
    {
        string a = Path.Combine(_dir, "i.mtx");
        File.WriteAllText(a, "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1.5\n2 2 1\n");
        AssertCleanFailure(CliRunner.Run("solve", a, "--no-output"), "line 3");
    }

    [Test]
    public void Solve_NaNInRightHandSide_ExitsOne()
    {
        string a = Path.Combine(_dir, "n.mtx");
        File.WriteAllText(a, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 1\n");
        File.WriteAllText(Path.Combine(_dir, "n_b.mtx"), "%%MatrixMarket matrix array real general\n2 1\n1\n1E400\n");
        AssertCleanFailure(CliRunner.Run("solve", a, "--no-output"), "n_b.mtx");
    }
}
