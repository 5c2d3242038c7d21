using NUnit.Framework;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>The §4.1 generator: structure, SNR, determinism by seed and bad input.</summary>
[TestFixture]
public class SparseRecoveryProblemsTests
{
    private static KroneckerSparseProblem Small(ulong seed = 7) =>
        SparseRecoveryProblems.Kronecker([6, 8, 10], [15, 14, 13], [2, 3, 4], 20, seed);

    // Factor shapes, mode support sizes, |supp x| = 2·3·4 = 24 and supp x = S₁ × S₂ × S₃ in C order (exact);
    // x = x₁ ⊗ x₂ ⊗ x₃ (exact products); y₀ = Ax by the project's KroneckerOperator to 1e-12 relative.
    [Test]
    public void Structure_IsKronecker()
    {
        var p = Small();
        Assert.That(p.Factors.Select(f => (f.Rows, f.Columns)), Is.EqualTo(new[] { (6, 15), (8, 14), (10, 13) }));
        Assert.That(p.ModeSupports.Select(s => s.Length), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(p.X, Has.Length.EqualTo(15 * 14 * 13));
        Assert.That(p.Y, Has.Length.EqualTo(6 * 8 * 10));
        var expected = new List<int>();
        foreach (int a in p.ModeSupports[0])
            foreach (int b in p.ModeSupports[1])
                foreach (int c in p.ModeSupports[2])
                {
                    expected.Add((a * 14 + b) * 13 + c);
                    Assert.That(p.X[(a * 14 + b) * 13 + c],
                        Is.EqualTo(p.ModeSignals[0][a] * p.ModeSignals[1][b] * p.ModeSignals[2][c]));
                }
        Assert.That(p.Support, Is.EqualTo(expected.ToArray()));
        for (int k = 0; k < 3; k++)
            Assert.That(SparseRecoveryMetrics.TrueSupport(p.ModeSignals[k]), Is.EqualTo(p.ModeSupports[k]));

        var ax = new double[p.Y.Length];
        p.ToOperator().Apply(p.X, ax);
        double scale = p.CleanY.Max(Math.Abs);
        for (int i = 0; i < ax.Length; i++) Assert.That(ax[i], Is.EqualTo(p.CleanY[i]).Within(1e-12 * scale));
    }

    // σ² = (‖y₀‖²/M)·10^(−SNR/10) to 1e-14 relative. Realised noise on the paper's M = 2520 at 20 dB: ‖n‖²/(Mσ²) within
    // 0.1 of 1 (relative std √(2/M) ≈ 0.028) and the achieved SNR within 0.5 dB of 20.
    [Test]
    public void Snr_MatchesDefinition()
    {
        var p = SparseRecoveryProblems.Paper(14, 3, 20, seed: 11);
        int m = p.Y.Length;
        Assert.That(m, Is.EqualTo(2520));
        double clean = p.CleanY.Sum(v => v * v);
        Assert.That(p.NoiseVariance, Is.EqualTo(clean / m * 0.01).Within(1e-14 * p.NoiseVariance));
        double noise = 0;
        for (int i = 0; i < m; i++) noise += (p.Y[i] - p.CleanY[i]) * (p.Y[i] - p.CleanY[i]);
        Assert.That(noise / (m * p.NoiseVariance), Is.EqualTo(1).Within(0.1));
        Assert.That(10 * Math.Log10(clean / noise), Is.EqualTo(20).Within(0.5));
        Assert.That(p.ModeSupports.Select(s => s.Length), Is.All.EqualTo(3));
    }

    // Same seed ⇒ bit-identical problem; another seed ⇒ a different one; +∞ dB ⇒ σ² = 0 and y = y₀ (exact).
    [Test]
    public void Determinism_AndNoiseless()
    {
        var a = Small(5);
        var b = Small(5);
        var c = Small(6);
        for (int k = 0; k < 3; k++) Assert.That(a.Factors[k].Data.ToArray(), Is.EqualTo(b.Factors[k].Data.ToArray()));
        Assert.That(a.X, Is.EqualTo(b.X));
        Assert.That(a.Y, Is.EqualTo(b.Y));
        Assert.That(a.Y, Is.Not.EqualTo(c.Y));
        var clean = SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [2, 2], double.PositiveInfinity, 1);
        Assert.That(clean.NoiseVariance, Is.EqualTo(0));
        Assert.That(clean.Y, Is.EqualTo(clean.CleanY));
    }

    // Misuse: empty lists, mismatched counts, K_s > N_k, K_s < 1, NaN SNR.
    [Test]
    public void BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => SparseRecoveryProblems.Kronecker([], [], [], 10, 1));
        Assert.Throws<ArgumentException>(() => SparseRecoveryProblems.Kronecker([3, 4], [5], [2, 2], 10, 1));
        var e = Assert.Throws<ArgumentException>(() => SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [2, 7], 10, 1));
        Assert.That(e!.Message, Does.Contain("7").And.Contain("6"));
        Assert.Throws<ArgumentException>(() => SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [0, 2], 10, 1));
        Assert.Throws<ArgumentException>(() => SparseRecoveryProblems.Kronecker([3, 4], [5, 6], [2, 2], double.NaN, 1));
    }
}
