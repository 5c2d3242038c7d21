using System.Globalization;
using NUnit.Framework;
using Solvers.Pde.GaussianProcess;
using Solvers.Tests.TestSupport;

namespace Solvers.Tests.Pde;

[TestFixture]
public class SpectralMixtureKernelTests
{
    private static readonly SpectralKernelKind[] AllKinds =
    [
        SpectralKernelKind.StudentTMatern52, SpectralKernelKind.GaussianMixture,
        SpectralKernelKind.Matern52, SpectralKernelKind.SquaredExponential,
    ];

    private static bool IsMatern(SpectralKernelKind kind) =>
        kind is SpectralKernelKind.StudentTMatern52 or SpectralKernelKind.Matern52;

    /// <summary>θ = [a | b | μ] with a ∈ [−1, 1], b giving moderate rates, μ ∈ [−4, 4] cycles per unit.</summary>
    private static double[] RandomParameters(SpectralKernelKind kind, int q, Random rng)
    {
        var theta = new double[3 * q];
        for (int i = 0; i < q; i++)
        {
            theta[i] = -1 + 2 * rng.NextDouble();
            theta[q + i] = IsMatern(kind) ? -1 + 2.2 * rng.NextDouble() : -1 + 3 * rng.NextDouble();
            theta[2 * q + i] = -4 + 8 * rng.NextDouble();
        }
        return theta;
    }

    /// <summary>Per-component natural rate c_q (envelope rate plus angular frequency) and weight.</summary>
    private static (double[] W, double[] C) Scales(SpectralKernelKind kind, double[] theta)
    {
        int q = theta.Length / 3;
        var w = new double[q];
        var c = new double[q];
        bool freq = SpectralMixtureKernel.HasFrequencies(kind);
        for (int i = 0; i < q; i++)
        {
            w[i] = Math.Exp(theta[i]);
            double l = Math.Exp(theta[q + i]);
            c[i] = (IsMatern(kind) ? Math.Sqrt(5) * l : Math.Sqrt(2 * l)) + (freq ? 2 * Math.PI * Math.Abs(theta[2 * q + i]) : 0);
        }
        return (w, c);
    }

    /// <summary>Natural magnitude of the d-th lag derivative: Σ_q w_q (1 + c_q)^d.</summary>
    private static double Magnitude(double[] w, double[] c, int d)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += w[i] * Math.Pow(1 + c[i], d);
        return s;
    }

    private static double[] Lags(Random rng)
    {
        var z = new List<double> { 5e-9, -7e-9, 1e-10, 0.5, -0.5, 1.0, -1.0 };
        for (int i = 0; i < 12; i++) z.Add(-1 + 2 * rng.NextDouble());
        return [.. z];
    }

    private static double[] Eval(SpectralKernelKind kind, double[] theta, double z)
    {
        SpectralMixtureKernel.Evaluate(kind, theta, z, out double v, out double f, out double s);
        return [v, f, s];
    }

    private static void AssertClose(double fd, double an, double floor, double tol, string what)
    {
        double scale = Math.Max(Math.Max(Math.Abs(fd), Math.Abs(an)), floor);
        Assert.That(Math.Abs(fd - an), Is.LessThanOrEqualTo(tol * scale),
            string.Create(CultureInfo.InvariantCulture, $"{what}: fd {fd:R}, analytic {an:R}, floor {floor:R}"));
    }

    // Tolerance: |fd − analytic| ≤ 1e-6·max(|fd|, |analytic|, 1e-3·Σ_q w_q(1 + c_q)^d), central differences with lag step
    // 1e-5/(1 + max c_q) (c_q = envelope rate + |ω_q|); lags in [−1, 1] including lags within 1e-8 of 0.
    [Test]
    public void LagDerivatives_MatchCentralDifferences([ValueSource(nameof(AllKinds))] SpectralKernelKind kind, [Values(1, 2, 3)] int seed)
    {
        var rng = new Random(seed);
        const int q = 3;
        var theta = RandomParameters(kind, q, rng);
        var (w, c) = Scales(kind, theta);
        double h = 1e-5 / (1 + c.Max());
        foreach (double z in Lags(rng))
        {
            var e = Eval(kind, theta, z);
            var p = Eval(kind, theta, z + h);
            var m = Eval(kind, theta, z - h);
            string at = string.Create(CultureInfo.InvariantCulture, $"{kind} z={z:R}");
            AssertClose((p[0] - m[0]) / (2 * h), e[1], 1e-3 * Magnitude(w, c, 1), 1e-6, "k' " + at);
            AssertClose((p[1] - m[1]) / (2 * h), e[2], 1e-3 * Magnitude(w, c, 2), 1e-6, "k'' " + at);
        }
    }

    // Tolerance: |fd − analytic| ≤ 1e-6·max(|fd|, |analytic|, 1e-3·Σ_q w_q(1 + c_q)^d) for every a, b, μ derivative of
    // k, k', k'' (central differences, parameter step 1e-5); baseline μ rows must be exactly zero.
    [Test]
    public void ParameterDerivatives_MatchCentralDifferences([ValueSource(nameof(AllKinds))] SpectralKernelKind kind, [Values(1, 2, 3)] int seed)
    {
        var rng = new Random(100 + seed);
        const int q = 3;
        var theta = RandomParameters(kind, q, rng);
        var (w, c) = Scales(kind, theta);
        var grads = new[] { new double[3 * q], new double[3 * q], new double[3 * q] };
        const double h = 1e-5;
        foreach (double z in Lags(rng))
        {
            SpectralMixtureKernel.EvaluateWithGradient(kind, theta, z, out _, out _, out _, grads[0], grads[1], grads[2]);
            for (int p = 0; p < 3 * q; p++)
            {
                var tp = (double[])theta.Clone();
                var tm = (double[])theta.Clone();
                tp[p] += h;
                tm[p] -= h;
                var ep = Eval(kind, tp, z);
                var em = Eval(kind, tm, z);
                for (int d = 0; d < 3; d++)
                {
                    double fd = (ep[d] - em[d]) / (2 * h);
                    string what = string.Create(CultureInfo.InvariantCulture, $"{kind} d={d} p={p} z={z:R}");
                    if (p >= 2 * q && !SpectralMixtureKernel.HasFrequencies(kind))
                    {
                        Assert.That(grads[d][p], Is.EqualTo(0.0), what);
                        Assert.That(fd, Is.EqualTo(0.0), what);
                    }
                    else
                    {
                        AssertClose(fd, grads[d][p], 1e-3 * Magnitude(w, c, d), 1e-6, what);
                    }
                }
            }
        }
    }

    // Tolerance: k''(0) matches Σw(−s²/3 − ω²) (Matérn) or Σw(−2ℓ − ω²) (SE) to 1e-12 relative; k'(0) is exactly 0.
    [Test]
    public void ZeroLagLimits_AreAnalytic([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(7);
        const int q = 4;
        var theta = RandomParameters(kind, q, rng);
        double expected = 0, value = 0;
        for (int i = 0; i < q; i++)
        {
            double w = Math.Exp(theta[i]), l = Math.Exp(theta[q + i]);
            double omega = SpectralMixtureKernel.HasFrequencies(kind) ? 2 * Math.PI * theta[2 * q + i] : 0;
            double env = IsMatern(kind) ? -5 * l * l / 3 : -2 * l;
            expected += w * (env - omega * omega);
            value += w;
        }
        foreach (double zero in new[] { 0.0, -0.0 })
        {
            var g = new[] { new double[3 * q], new double[3 * q], new double[3 * q] };
            SpectralMixtureKernel.EvaluateWithGradient(kind, theta, zero, out double v, out double f, out double s, g[0], g[1], g[2]);
            Assert.That(f, Is.EqualTo(0.0));
            Assert.That(g[1], Is.All.EqualTo(0.0));
            Assert.That(s, Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
            Assert.That(v, Is.EqualTo(value).Within(1e-14 * value));
        }
    }

    // Tolerance: exact (bit-for-bit) evenness of k, k'' and their gradients and oddness of k' and its gradient.
    [Test]
    public void Parity_IsExact([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(11);
        const int q = 5;
        var theta = RandomParameters(kind, q, rng);
        var gp = new[] { new double[3 * q], new double[3 * q], new double[3 * q] };
        var gm = new[] { new double[3 * q], new double[3 * q], new double[3 * q] };
        foreach (double z in Lags(rng))
        {
            SpectralMixtureKernel.EvaluateWithGradient(kind, theta, z, out double v1, out double f1, out double s1, gp[0], gp[1], gp[2]);
            SpectralMixtureKernel.EvaluateWithGradient(kind, theta, -z, out double v2, out double f2, out double s2, gm[0], gm[1], gm[2]);
            Assert.That(BitConverter.DoubleToInt64Bits(v2), Is.EqualTo(BitConverter.DoubleToInt64Bits(v1)));
            Assert.That(BitConverter.DoubleToInt64Bits(s2), Is.EqualTo(BitConverter.DoubleToInt64Bits(s1)));
            Assert.That(BitConverter.DoubleToInt64Bits(f2), Is.EqualTo(BitConverter.DoubleToInt64Bits(-f1)));
            for (int p = 0; p < 3 * q; p++)
            {
                Assert.That(gm[0][p], Is.EqualTo(gp[0][p]));
                Assert.That(gm[2][p], Is.EqualTo(gp[2][p]));
                Assert.That(gm[1][p], Is.EqualTo(-gp[1][p]));
            }
        }
    }

    // Tolerance: 1e-15 relative against hand-written closed forms (checks ℓ inverse lengthscale with s = √5ℓ for
    // Matérn, ℓ multiplying z² for SE, μ in cycles per unit); the kernel is even in μ to 1e-15 relative.
    [Test]
    public void Parameterisation_MatchesClosedForms()
    {
        double z = 0.3;
        double[] stm = [0.0, 0.0, 0.5];
        double s = Math.Sqrt(5), r = z;
        double expectStm = (1 + s * r + s * s * r * r / 3) * Math.Exp(-s * r) * Math.Cos(Math.PI * z);
        Assert.That(Eval(SpectralKernelKind.StudentTMatern52, stm, z)[0], Is.EqualTo(expectStm).Within(1e-15));
        double[] gm = [Math.Log(2), Math.Log(3), 1.5];
        double expectGm = 2 * Math.Exp(-3 * z * z) * Math.Cos(3 * Math.PI * z);
        Assert.That(Eval(SpectralKernelKind.GaussianMixture, gm, z)[0], Is.EqualTo(expectGm).Within(1e-15));
        double[] mat = [0.0, 0.0, 123.0];
        Assert.That(Eval(SpectralKernelKind.Matern52, mat, z)[0],
            Is.EqualTo((1 + s * r + s * s * r * r / 3) * Math.Exp(-s * r)).Within(1e-15));
        double[] se = [Math.Log(2), Math.Log(3), -7.0];
        Assert.That(Eval(SpectralKernelKind.SquaredExponential, se, z)[0], Is.EqualTo(2 * Math.Exp(-3 * z * z)).Within(1e-15));
        double[] gmNeg = [Math.Log(2), Math.Log(3), -1.5];
        var a = Eval(SpectralKernelKind.GaussianMixture, gm, z);
        var b = Eval(SpectralKernelKind.GaussianMixture, gmNeg, z);
        for (int d = 0; d < 3; d++) Assert.That(b[d], Is.EqualTo(a[d]).Within(1e-15 * (1 + Math.Abs(a[d]))));
    }

    // Tolerance: exact — the lag tables are the same arithmetic as Evaluate at z = m·h.
    [Test]
    public void LagTable_EqualsEvaluateExactly([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(21);
        const int q = 4, m = 17;
        const double h = 0.07;
        var theta = RandomParameters(kind, q, rng);
        var table = new KernelLagTable(kind, q, m, h);
        Assert.That(table.ParameterCount, Is.EqualTo(3 * q));
        table.Update(theta, withFirst: true, withSecond: true);
        var g = new[] { new double[3 * q], new double[3 * q], new double[3 * q] };
        for (int j = 0; j < m; j++)
        {
            SpectralMixtureKernel.EvaluateWithGradient(kind, theta, j * h, out double v, out double f, out double s, g[0], g[1], g[2]);
            Assert.That(table.Value[j], Is.EqualTo(v));
            Assert.That(table.First[j], Is.EqualTo(f));
            Assert.That(table.Second[j], Is.EqualTo(s));
            for (int p = 0; p < 3 * q; p++)
            {
                Assert.That(table.ValueGradient[p * m + j], Is.EqualTo(g[0][p]));
                Assert.That(table.FirstGradient[p * m + j], Is.EqualTo(g[1][p]));
                Assert.That(table.SecondGradient[p * m + j], Is.EqualTo(g[2][p]));
            }
        }
        Assert.That(table.First[0], Is.EqualTo(0.0));
        for (int p = 0; p < 3 * q; p++) Assert.That(table.FirstGradient[p * m], Is.EqualTo(0.0));
    }

    // Tolerance: K and K'' exactly symmetric, K' exactly antisymmetric with zero diagonal, entries exactly Evaluate at
    // (a − b)·h, jitter only on K's diagonal, padding rows (ld > M) untouched.
    [Test]
    public void FilledMatrices_HaveExactSymmetry([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(31);
        const int q = 3, m = 11, ld = 13;
        const double h = 0.09, jitter = 1e-6;
        var theta = RandomParameters(kind, q, rng);
        var table = new KernelLagTable(kind, q, m, h);
        table.Update(theta, true, true);
        var k = Enumerable.Repeat(double.NaN, ld * m).ToArray();
        var k1 = (double[])k.Clone();
        var k2 = (double[])k.Clone();
        table.FillGram(k, ld, jitter);
        table.FillFirst(k1, ld);
        table.FillSecond(k2, ld);
        for (int b = 0; b < m; b++)
        {
            for (int a = 0; a < m; a++)
            {
                var e = Eval(kind, theta, (a - b) * h);
                Assert.That(k[a + b * ld], Is.EqualTo(k[b + a * ld]));
                Assert.That(k2[a + b * ld], Is.EqualTo(k2[b + a * ld]));
                Assert.That(k1[a + b * ld], Is.EqualTo(-k1[b + a * ld]));
                Assert.That(k[a + b * ld], Is.EqualTo(a == b ? e[0] + jitter : e[0]));
                Assert.That(k1[a + b * ld], Is.EqualTo(e[1]));
                Assert.That(k2[a + b * ld], Is.EqualTo(e[2]));
            }
            Assert.That(k1[b + b * ld], Is.EqualTo(0.0));
            for (int a = m; a < ld && b < m - 1; a++)
            {
                Assert.That(double.IsNaN(k[a + b * ld]) && double.IsNaN(k1[a + b * ld]) && double.IsNaN(k2[a + b * ld]), Is.True);
            }
        }
    }

    // Tolerance: the lag-form contraction Σ_m fold(S_X̄)(m)·∂θ table(m) equals the dense Σ_ab X̄_ab ∂θ k^(d)((a − b)h)
    // to 1e-12 relative to Σ_ab |X̄_ab||∂θ k^(d)| (per parameter), for k (FoldEven), k' (FoldOdd) and k'' (FoldEven).
    [Test]
    public void ToeplitzContraction_EqualsDenseSum([ValueSource(nameof(AllKinds))] SpectralKernelKind kind, [Values(1, 2)] int seed)
    {
        var rng = new Random(40 + seed);
        const int q = 3, m = 9, ld = 10, n = 3 * q;
        const double h = 0.13;
        var theta = RandomParameters(kind, q, rng);
        var table = new KernelLagTable(kind, q, m, h);
        table.Update(theta, true, true);
        var xbar = new double[3][];
        for (int d = 0; d < 3; d++)
        {
            xbar[d] = new double[ld * m];
            for (int i = 0; i < xbar[d].Length; i++) xbar[d][i] = rng.NextDouble() * 2 - 1;
        }
        var dense = new double[3, n];
        var absScale = new double[3, n];
        var g = new[] { new double[n], new double[n], new double[n] };
        for (int b = 0; b < m; b++)
        {
            for (int a = 0; a < m; a++)
            {
                SpectralMixtureKernel.EvaluateWithGradient(kind, theta, (a - b) * h, out _, out _, out _, g[0], g[1], g[2]);
                for (int d = 0; d < 3; d++)
                {
                    for (int p = 0; p < n; p++)
                    {
                        dense[d, p] += xbar[d][a + b * ld] * g[d][p];
                        absScale[d, p] += Math.Abs(xbar[d][a + b * ld] * g[d][p]);
                    }
                }
            }
        }
        var sums = new double[2 * m - 1];
        var folded = new[] { new double[m], new double[m], new double[m] };
        for (int d = 0; d < 3; d++)
        {
            KernelLagTable.DiagonalSums(xbar[d], m, ld, sums);
            if (d == 1) KernelLagTable.FoldOdd(sums, folded[d]);
            else KernelLagTable.FoldEven(sums, folded[d]);
        }
        var separate = new[] { new double[n], new double[n], new double[n] };
        table.Contract(folded[0], [], [], separate[0]);
        table.Contract([], folded[1], [], separate[1]);
        table.Contract([], [], folded[2], separate[2]);
        var combined = Enumerable.Repeat(1.0, n).ToArray();
        table.Contract(folded[0], folded[1], folded[2], combined);
        for (int p = 0; p < n; p++)
        {
            for (int d = 0; d < 3; d++)
            {
                double tol = 1e-12 * Math.Max(absScale[d, p], 1e-300);
                Assert.That(separate[d][p], Is.EqualTo(dense[d, p]).Within(tol),
                    string.Create(CultureInfo.InvariantCulture, $"{kind} d={d} p={p}"));
            }
            double total = dense[0, p] + dense[1, p] + dense[2, p];
            double totalScale = absScale[0, p] + absScale[1, p] + absScale[2, p];
            Assert.That(combined[p], Is.EqualTo(1.0 + total).Within(1e-12 * (1 + totalScale)));
        }
    }

    // Tolerance: DiagonalSums equals a naive loop exactly (same addition order); OuterDiagonalSums equals DiagonalSums of
    // the explicit x·yᵀ to 1e-14·Σ|x||y|; folds exact on a hand example.
    [Test]
    public void DiagonalSumsAndFolds_AreCorrect()
    {
        var rng = new Random(5);
        const int m = 7, ld = 9;
        var x = Enumerable.Range(0, m).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y = Enumerable.Range(0, m).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var mat = new double[ld * m];
        for (int b = 0; b < m; b++)
            for (int a = 0; a < ld; a++)
                mat[a + b * ld] = a < m ? x[a] * y[b] : double.NaN;
        var naive = new double[2 * m - 1];
        for (int b = 0; b < m; b++)
            for (int a = 0; a < m; a++)
                naive[m - 1 + a - b] += mat[a + b * ld];
        var sums = Enumerable.Repeat(99.0, 2 * m - 1).ToArray();
        KernelLagTable.DiagonalSums(mat, m, ld, sums);
        Assert.That(sums, Is.EqualTo(naive));
        var outer = Enumerable.Repeat(-5.0, 2 * m - 1).ToArray();
        KernelLagTable.OuterDiagonalSums(x, y, outer);
        double scale = x.Sum(Math.Abs) * y.Sum(Math.Abs);
        for (int i = 0; i < outer.Length; i++) Assert.That(outer[i], Is.EqualTo(naive[i]).Within(1e-14 * scale));

        double[] s = [1, 2, 3, 4, 5]; // S(−2) … S(2)
        var even = new double[3];
        var odd = new double[3];
        KernelLagTable.FoldEven(s, even);
        KernelLagTable.FoldOdd(s, odd);
        Assert.That(even, Is.EqualTo(new double[] { 3, 6, 6 }));
        Assert.That(odd, Is.EqualTo(new double[] { 0, 2, 4 }));
    }

    // Tolerance: exact — CrossCovariance entries are Evaluate at s_i − t_a; padding rows untouched.
    [Test]
    public void CrossCovariance_EqualsEvaluate([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(51);
        const int q = 3, ld = 7;
        var theta = RandomParameters(kind, q, rng);
        var s = Enumerable.Range(0, 5).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var t = Enumerable.Range(0, 4).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        for (int d = 0; d < 3; d++)
        {
            var c = Enumerable.Repeat(double.NaN, ld * t.Length).ToArray();
            SpectralMixtureKernel.CrossCovariance(kind, theta, d, s, t, c, ld);
            for (int a = 0; a < t.Length; a++)
            {
                for (int i = 0; i < s.Length; i++) Assert.That(c[i + a * ld], Is.EqualTo(Eval(kind, theta, s[i] - t[a])[d]));
                for (int i = s.Length; i < ld; i++) Assert.That(double.IsNaN(c[i + a * ld]), Is.True);
            }
        }
    }

    // Tolerance: exactly 0 bytes allocated by a second Update (and by Contract, fills, sums, folds, Evaluate).
    [Test]
    public void Update_AllocatesNothing([ValueSource(nameof(AllKinds))] SpectralKernelKind kind)
    {
        var rng = new Random(61);
        const int q = 30, m = 120;
        var theta = RandomParameters(kind, q, rng);
        var table = new KernelLagTable(kind, q, m, 0.01);
        var matrix = new double[m * m];
        var sums = new double[2 * m - 1];
        var folded = new double[m];
        var gradient = new double[3 * q];
        table.Update(theta, true, true);
        table.FillGram(matrix, m, 1e-6);
        KernelLagTable.DiagonalSums(matrix, m, m, sums);
        KernelLagTable.FoldEven(sums, folded);
        table.Contract(folded, folded, folded, gradient);
        SpectralMixtureKernel.Evaluate(kind, theta, 0.3, out _, out _, out _);
        // Smallest of five rounds of ten calls (DenseReference.AllocatedBytes): runtime bookkeeping on this thread shows
        // in one round at most, an allocation in the kernel code in every round. Exact: 0 bytes.
        long updateBytes = DenseReference.AllocatedBytes(() =>
        {
            table.Update(theta, true, true);
            table.Update(theta, false, false);
        });
        long restBytes = DenseReference.AllocatedBytes(() =>
        {
            table.FillGram(matrix, m, 1e-6);
            table.FillFirst(matrix, m);
            table.FillSecond(matrix, m);
            KernelLagTable.DiagonalSums(matrix, m, m, sums);
            KernelLagTable.OuterDiagonalSums(folded, folded, sums);
            KernelLagTable.FoldEven(sums, folded);
            KernelLagTable.FoldOdd(sums, folded);
            table.Contract(folded, folded, folded, gradient);
            SpectralMixtureKernel.Evaluate(kind, theta, 0.3, out _, out _, out _);
        });
        Assert.That(updateBytes, Is.Zero);
        Assert.That(restBytes, Is.Zero);
    }

    // Tolerance: exact — every invalid argument raises ArgumentException (or a subclass).
    [Test]
    public void BadArguments_Throw()
    {
        const SpectralKernelKind k = SpectralKernelKind.GaussianMixture;
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 0, 5, 0.1));
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 2, 0, 0.1));
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 2, 5, 0.0));
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 2, 5, -0.1));
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 2, 5, double.NaN));
        Assert.Throws<ArgumentException>(() => _ = new KernelLagTable(k, 2, 5, double.PositiveInfinity));
        var table = new KernelLagTable(k, 2, 5, 0.1);
        Assert.Throws<ArgumentException>(() => table.Update(new double[5], true, true));
        Assert.Throws<ArgumentException>(() => table.Contract(new double[4], [], [], new double[6]));
        Assert.Throws<ArgumentException>(() => table.Contract(new double[5], [], [], new double[5]));
        Assert.Throws<ArgumentException>(() => table.FillGram(new double[25], 4, 0));
        Assert.Throws<ArgumentException>(() => table.FillFirst(new double[24], 5));
        Assert.Throws<ArgumentException>(() => KernelLagTable.DiagonalSums(new double[25], 5, 5, new double[8]));
        Assert.Throws<ArgumentException>(() => KernelLagTable.OuterDiagonalSums(new double[5], new double[4], new double[9]));
        Assert.Throws<ArgumentException>(() => KernelLagTable.FoldEven(new double[8], new double[5]));
        Assert.Throws<ArgumentException>(() => KernelLagTable.FoldOdd(new double[10], new double[5]));
        Assert.Throws<ArgumentException>(() => SpectralMixtureKernel.Evaluate(k, new double[4], 0, out _, out _, out _));
        Assert.Throws<ArgumentException>(() => SpectralMixtureKernel.Evaluate(k, [], 0, out _, out _, out _));
        Assert.Throws<ArgumentException>(() =>
            SpectralMixtureKernel.EvaluateWithGradient(k, new double[6], 0, out _, out _, out _, new double[6], new double[5], new double[6]));
        Assert.Catch<ArgumentException>(() =>
            SpectralMixtureKernel.CrossCovariance(k, new double[6], 3, new double[2], new double[2], new double[4], 2));
        Assert.Throws<ArgumentException>(() =>
            SpectralMixtureKernel.CrossCovariance(k, new double[6], 0, new double[3], new double[2], new double[6], 2));
    }
}
