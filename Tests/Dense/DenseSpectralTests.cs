using NUnit.Framework;
using Solvers.Dense;

namespace Solvers.Tests.Dense;

/// <summary>
/// SVD and symmetric eigen-decomposition. Vectors are unique only up to sign (and within a cluster of equal values only
/// up to rotation), so backends are compared through invariants: values entry by entry, orthogonality, reconstruction,
/// and each vector up to sign where its value is separated from the others.
/// </summary>
[TestFixtureSource(typeof(DenseBackendSource), nameof(DenseBackendSource.Backends))]
public sealed class DenseSpectralTests(string backendName) : DenseBackendFixture(backendName)
{
    private static IEnumerable<TestCaseData> SvdCases()
    {
        int pad = 0;
        foreach (var (m, n) in new[] { (0, 0), (0, 3), (3, 0), (1, 1), (1, 5), (5, 1), (6, 6), (20, 7), (7, 20), (200, 60), (60, 200), (150, 150) })
            yield return new TestCaseData(m, n, 0, pad++ % 3);
        yield return new TestCaseData(30, 12, 3, 1).SetName("{m}_RankDeficientTall");
        yield return new TestCaseData(12, 30, 3, 2).SetName("{m}_RankDeficientWide");
        yield return new TestCaseData(25, 25, 5, 0).SetName("{m}_RankDeficientSquare");
    }

    /// <summary>An m×n test matrix: random, or random of the given rank when rank &gt; 0.</summary>
    private static CM Matrix(int m, int n, int rank, int pad)
    {
        if (rank == 0) return CM.Random(m, n, 31 + m + 2 * n, pad);
        return CM.From(Ref.Mul(CM.Random(m, rank, 32).ToArray(), CM.Random(rank, n, 33).ToArray()), pad);
    }

    [TestCaseSource(nameof(SvdCases))]
    public void Svd(int m, int n, int rank, int pad)
    {
        int p = Math.Min(m, n);
        var a = Matrix(m, n, rank, pad);
        var a0 = a.ToArray();
        var am = a.Clone();
        var s = new double[p];
        var sm = new double[p];
        var u = new CM(m, p, pad);
        var um = new CM(m, p, pad);
        var vt = new CM(p, n, pad);
        var vtm = new CM(p, n, pad);
        Backend.Svd(m, n, a.Data, a.Ld, s, u.Data, u.Ld, vt.Data, vt.Ld);
        Managed.Svd(m, n, am.Data, am.Ld, sm, um.Data, um.Ld, vtm.Data, vtm.Ld);

        for (int i = 0; i < p; i++)
        {
            Assert.That(s[i], Is.GreaterThanOrEqualTo(0), "singular values are non-negative");
            if (i > 0) Assert.That(s[i], Is.LessThanOrEqualTo(s[i - 1]), "singular values descend");
        }

        var ua = u.ToArray();
        var va = vt.ToArray();
        Ref.AssertClose(Ref.Mul(Ref.T(ua), ua), Ref.Identity(p), Ref.Tol, "UᵀU − I");
        Ref.AssertClose(Ref.Mul(va, Ref.T(va)), Ref.Identity(p), Ref.Tol, "Vᵀ·V − I");
        var us = (double[,])ua.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < p; j++) us[i, j] *= s[j];
        Ref.AssertClose(Ref.Mul(us, va), a0, Ref.Tol, "A − U·S·Vᵀ");
        u.AssertPaddingUntouched("U");
        vt.AssertPaddingUntouched("Vᵀ");

        double smax = p > 0 ? sm[0] : 0;
        Ref.AssertClose(s, sm, Ref.Tol, "singular values against managed", smax);
        if (rank > 0)
            for (int i = rank; i < p; i++) Assert.That(s[i], Is.LessThanOrEqualTo(1e-12 * smax), $"s[{i}] beyond the rank");

        // Vectors up to a common sign of (u_i, v_i), where s_i is simple: the perturbation of a vector is about ε·‖A‖/gap.
        var uma = um.ToArray();
        var vma = Ref.T(vtm.ToArray());
        var vaT = Ref.T(va);
        for (int i = 0; i < p; i++)
        {
            double gap = Ref.Gap(sm, i);
            if (gap < 1e-3 * smax || sm[i] < 1e-8 * smax) continue;
            double tol = Math.Max(Ref.Tol, 1e-14 * smax / gap);
            double sign = Ref.AlignSign(ua, uma, i);
            for (int r = 0; r < m; r++)
                Assert.That(Math.Abs(sign * ua[r, i] - uma[r, i]), Is.LessThanOrEqualTo(tol), $"u_{i}[{r}] up to sign against managed");
            for (int r = 0; r < n; r++)
                Assert.That(Math.Abs(sign * vaT[r, i] - vma[r, i]), Is.LessThanOrEqualTo(tol), $"v_{i}[{r}] with the same sign as u_{i}");
        }
    }

    private static IEnumerable<TestCaseData> EigenCases()
    {
        int pad = 0;
        foreach (Triangle tri in new[] { Triangle.Lower, Triangle.Upper })
            foreach (int n in new[] { 0, 1, 2, 7, 60, 200 })
                yield return new TestCaseData(tri, n, pad++ % 3);
    }

    private void CheckEigen(Triangle tri, double[,] a0, int pad, bool compareVectors)
    {
        int n = a0.GetLength(0);
        bool lower = tri == Triangle.Lower;
        var a = Ref.Triangle(a0, lower, pad);
        var am = a.Clone();
        var w = new double[n];
        var wm = new double[n];
        Backend.SymmetricEigen(tri, n, a.Data, a.Ld, w);
        Managed.SymmetricEigen(tri, n, am.Data, am.Ld, wm);

        for (int i = 1; i < n; i++) Assert.That(w[i], Is.GreaterThanOrEqualTo(w[i - 1]), "eigenvalues ascend");
        var v = a.ToArray();
        Ref.AssertClose(Ref.Mul(Ref.T(v), v), Ref.Identity(n), Ref.Tol, "VᵀV − I");
        var vl = (double[,])v.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) vl[i, j] *= w[j];
        double scale = n > 0 ? Math.Max(Math.Abs(wm[0]), Math.Abs(wm[n - 1])) : 1;
        Ref.AssertClose(Ref.Mul(a0, v), vl, Ref.Tol, "A·V − V·Λ", scale);
        Ref.AssertClose(w, wm, Ref.Tol, "eigenvalues against managed", scale);
        a.AssertPaddingUntouched("eigenvectors");
        if (!compareVectors) return;

        var vm = am.ToArray();
        for (int i = 0; i < n; i++)
        {
            double gap = Ref.Gap(wm, i);
            if (gap < 1e-3 * scale) continue;
            double tol = Math.Max(Ref.Tol, 1e-14 * scale / gap);
            double sign = Ref.AlignSign(v, vm, i);
            for (int r = 0; r < n; r++)
                Assert.That(Math.Abs(sign * v[r, i] - vm[r, i]), Is.LessThanOrEqualTo(tol), $"v_{i}[{r}] up to sign against managed");
        }
    }

    [TestCaseSource(nameof(EigenCases))]
    public void SymmetricEigen(Triangle tri, int n, int pad) => CheckEigen(tri, Ref.RandomSymmetric(n, 34 + n), pad, compareVectors: true);

    [TestCase(Triangle.Lower)]
    [TestCase(Triangle.Upper)]
    public void SymmetricEigen_RepeatedEigenvalues(Triangle tri)
    {
        // 3·I + u·uᵀ: eigenvalue 3 five times, 3 + |u|² once; the eigenspace of 3 is only determined as a subspace.
        var u = CM.Random(6, 1, 35).ToArray();
        var a = Ref.Mul(u, Ref.T(u));
        for (int i = 0; i < 6; i++) a[i, i] += 3;
        CheckEigen(tri, a, 1, compareVectors: false);
    }
    // Entries near the overflow threshold (1e200) and near underflow (1e-200): eigenvalues are those of the unscaled
    // matrix times the scale, to 1e-12 relative; no exception (MathNet's QL failed at 1e200 before the managed backend
    // started scaling like dsyev).
    [TestCase(1e200)]
    [TestCase(1e-200)]
    public void SymmetricEigen_ExtremeScale(double factor)
    {
        int n = 12;
        var a0 = Ref.RandomSymmetric(n, 77);
        var scaled = (double[,])a0.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) scaled[i, j] *= factor;
        var a = Ref.Triangle(a0, true, 0);
        var b = Ref.Triangle(scaled, true, 0);
        var w = new double[n];
        var ws = new double[n];
        Backend.SymmetricEigen(Triangle.Lower, n, a.Data, a.Ld, w);
        Backend.SymmetricEigen(Triangle.Lower, n, b.Data, b.Ld, ws);
        double top = Math.Max(Math.Abs(w[0]), Math.Abs(w[n - 1]));
        for (int i = 0; i < n; i++) Assert.That(ws[i] / factor, Is.EqualTo(w[i]).Within(1e-12 * top), $"λ_{i}");
    }
}
