using NUnit.Framework;
using Solvers.Operators;
using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>
/// Issue 7's bad input, across every method: factor shapes that do not multiply to y's length, NaN in a dictionary or factor,
/// and an all-zero column are refused with an <see cref="ArgumentException"/> whose message names the offender.
/// </summary>
[TestFixture]
public class SparseRecoveryBadInputTests
{
    private static DenseOperator Random(int m, int n, ulong seed, Action<double[]>? edit = null)
    {
        var rng = new Xoshiro256StarStar(seed);
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextNormal();
        edit?.Invoke(data);
        return new DenseOperator(m, n, data);
    }

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    /// <summary>Every method on a list of factors (a single-dictionary method gets the first factor when there is one).</summary>
    private static IEnumerable<(string Name, Func<DenseOperator[], double[], SparseRecoveryResult> Run)> Methods()
    {
        yield return ("KroneckerSbl", (f, y) => KroneckerSbl.Solve(f, y, new KroneckerSblOptions { NoiseVariance = 0.1 }));
        yield return ("KroneckerOmp", (f, y) => KroneckerOmp.Solve(f, y));
        yield return ("ClassicSbl", (f, y) => ClassicSbl.Solve(f[0], y, new ClassicSblOptions { NoiseVariance = 0.1 }));
        yield return ("FastMarginalSbl", (f, y) => FastMarginalSbl.Solve(f[0], y, new FastMarginalSblOptions { NoiseVariance = 0.1 }));
        yield return ("OrthogonalMatchingPursuit", (f, y) => OrthogonalMatchingPursuit.Solve(f[0], y));
    }

    [Test]
    public void NaNInAFactor_IsRefusedNamingTheEntry()
    {
        var bad = Random(6, 9, 1, d => d[2 * 9 + 4] = double.NaN);
        foreach (var (name, run) in Methods())
        {
            var e = Assert.Throws<ArgumentException>(() => run([bad], Ones(6)), name);
            Assert.That(e!.Message, Does.Contain("(2, 4)").And.Contain("non-finite"), name);
        }
        var ke = Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve([Random(3, 4, 2), bad], Ones(18)));
        Assert.That(ke!.Message, Does.Contain("factor 1").And.Contain("(2, 4)"));
    }

    [Test]
    public void ZeroColumn_IsRefusedNamingTheColumn()
    {
        var bad = Random(6, 9, 3, d => { for (int i = 0; i < 6; i++) d[i * 9 + 7] = 0; });
        foreach (var (name, run) in Methods())
        {
            var e = Assert.Throws<ArgumentException>(() => run([bad], Ones(6)), name);
            Assert.That(e!.Message, Does.Contain("Column 7").And.Contain("all zero"), name);
        }
        var ke = Assert.Throws<ArgumentException>(() => KroneckerOmp.Solve([bad, Random(3, 4, 4)], Ones(18)));
        Assert.That(ke!.Message, Does.Contain("Column 7 of factor 0"));
    }

    [Test]
    public void FactorShapesThatDoNotMultiplyToYsLength_AreRefusedNamingBothSizes()
    {
        DenseOperator[] factors = [Random(3, 5, 5), Random(4, 6, 6), Random(2, 4, 7)];
        foreach (var run in new Func<double[], SparseRecoveryResult>[]
                 {
                     y => KroneckerSbl.Solve(factors, y, new KroneckerSblOptions { NoiseVariance = 0.1 }),
                     y => KroneckerOmp.Solve(factors, y),
                 })
        {
            var e = Assert.Throws<ArgumentException>(() => run(Ones(25)));
            Assert.That(e!.Message, Does.Contain("25").And.Contain("24"));
        }
        var c = Assert.Throws<ArgumentException>(() => ClassicSbl.Solve(factors[0], Ones(4), new ClassicSblOptions { NoiseVariance = 0.1 }));
        Assert.That(c!.Message, Does.Contain("4").And.Contain("3"));
    }

    [Test]
    public void InputsAreUntouchedByARefusal()
    {
        var bad = Random(6, 9, 8, d => d[0] = double.PositiveInfinity);
        double[] before = bad.Data.ToArray();
        double[] y = Ones(6);
        Assert.Throws<ArgumentException>(() => KroneckerSbl.Solve([bad], y, new KroneckerSblOptions { NoiseVariance = 0.1 }));
        Assert.That(bad.Data.ToArray(), Is.EqualTo(before), "factor untouched (bitwise)");
        Assert.That(y, Is.EqualTo(Ones(6)), "y untouched (bitwise)");
    }
}
