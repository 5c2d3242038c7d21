using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using NUnit.Framework;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>FWHT and SRHT sketch (spec sketched-regression §6.1 items 3–7).</summary>
[TestFixture]
public class SrhtTests
{
    private static SketchOptions Options(int panelWidth = 0) => new() { Kind = SketchKind.Srht, PanelWidth = panelWidth };

    private static double[] RandomBlock(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        var a = new double[rows * columns];
        for (int i = 0; i < a.Length; i++) a[i] = 2 * rng.NextDouble() - 1;
        return a;
    }

    private static long[] Bits(double[] x) => Array.ConvertAll(x, BitConverter.DoubleToInt64Bits);

    // ---------------------------------------------------------------- item 3: FWHT

    [Test]
    public void Fwht_UnitVectors_GiveTheSignPatternExactly()
    {
        // Exact: every intermediate is a small integer.
        for (int k = 0; k <= 10; k++)
        {
            int n = 1 << k;
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                Array.Clear(y);
                y[i] = 1;
                FastWalshHadamard.Transform(y);
                for (int j = 0; j < n; j++)
                {
                    double expected = (BitOperations.PopCount((uint)(i & j)) & 1) == 0 ? 1 : -1;
                    if (y[j] != expected)
                        Assert.Fail($"N = {n}, e_{i}: entry {j} is {y[j]}, expected {expected}");
                }
            }
        }
    }

    [Test]
    public void Fwht_Twice_GivesNTimesIntegerVectorExactly()
    {
        // Exact: integers below 2^53 throughout (|entries| ≤ 100·N²).
        var rng = new Random(1);
        for (int k = 0; k <= 10; k++)
        {
            int n = 1 << k;
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = rng.Next(-100, 101);
            var y = (double[])x.Clone();
            FastWalshHadamard.Transform(y);
            FastWalshHadamard.Transform(y);
            for (int i = 0; i < n; i++) Assert.That(y[i], Is.EqualTo(n * x[i]).Within(0.0), $"N = {n}, i = {i}");
        }
    }

    [Test]
    public void Fwht_ScalesNormBySqrtN()
    {
        var rng = new Random(2);
        for (int k = 0; k <= 10; k++)
        {
            int n = 1 << k;
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = 2 * rng.NextDouble() - 1;
            double before = Norm(x);
            FastWalshHadamard.Transform(x);
            double after = Norm(x);
            Assert.That(after, Is.EqualTo(Math.Sqrt(n) * before).Within(1e-15 * Math.Sqrt(n) * before), $"N = {n}, relative 1e-15");
        }
    }

    private static double Norm(double[] x)
    {
        double s = 0;
        foreach (double v in x) s += v * v;
        return Math.Sqrt(s);
    }

    [TestCase(1024, 13)]
    [TestCase(4096, 64)]
    [TestCase(256, 1)]
    public void Fwht_PanelBlockedAndWholeColumnVariantsAgreeBitwise(int rows, int width)
    {
        var panel = RandomBlock(rows, width, 3);
        var columns = new double[width][];
        for (int j = 0; j < width; j++)
        {
            columns[j] = new double[rows];
            for (int i = 0; i < rows; i++) columns[j][i] = panel[i * width + j];
            FastWalshHadamard.Transform(columns[j]);
        }
        var unblocked = (double[])panel.Clone();
        FastWalshHadamard.TransformRows(unblocked, rows, width, rows);
        var automatic = (double[])panel.Clone();
        FastWalshHadamard.TransformRows(automatic, rows, width);
        var small = (double[])panel.Clone();
        FastWalshHadamard.TransformRows(small, rows, width, 8);
        // Bitwise (tolerance 0): the same additions in the same order per element.
        Assert.That(Bits(automatic), Is.EqualTo(Bits(unblocked)), "auto-blocked vs unblocked");
        Assert.That(Bits(small), Is.EqualTo(Bits(unblocked)), "8-row blocks vs unblocked");
        for (int j = 0; j < width; j++)
            for (int i = 0; i < rows; i++)
                if (BitConverter.DoubleToInt64Bits(unblocked[i * width + j]) != BitConverter.DoubleToInt64Bits(columns[j][i]))
                    Assert.Fail($"panel ({i}, {j}) differs from the whole-column transform");
    }

    [Test]
    public void Fwht_RejectsNonPowerOfTwo()
    {
        Assert.Throws<ArgumentException>(() => FastWalshHadamard.Transform(new double[6]));
        Assert.Throws<ArgumentException>(() => FastWalshHadamard.TransformRows(new double[12], 6, 2));
    }

    [Test]
    public void Fwht_DoesNotAllocate()
    {
        var panel = RandomBlock(1024, 16, 4);
        FastWalshHadamard.TransformRows(panel, 1024, 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        FastWalshHadamard.TransformRows(panel, 1024, 16);
        FastWalshHadamard.Transform(panel.AsSpan(0, 8192));
        // Exact: zero bytes.
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    // ---------------------------------------------------------------- item 4: exact identities

    [TestCase(100, 32)]
    [TestCase(128, 32)]
    public void Srht_EveryColumnHasUnitNormAndEntriesPlusMinusOneOverSqrtM(int n, int m)
    {
        var sketch = new SrhtSketch(m, n, 7, 0, Options());
        Assert.That(sketch.PaddedRows, Is.EqualTo(128));
        var s = sketch.Materialize();
        double entry = 1 / Math.Sqrt(m);
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int i = 0; i < m; i++)
            {
                double v = s[i * n + j];
                // Exact: ±1/√m (the FWHT of ±e_j is ±1, times the scale).
                Assert.That(Math.Abs(v), Is.EqualTo(entry).Within(0.0), $"entry ({i}, {j})");
                sum += v * v;
            }
            Assert.That(Math.Sqrt(sum), Is.EqualTo(1.0).Within(1e-15), $"column {j} norm, absolute 1e-15");
        }
    }

    [Test]
    public void Srht_RowsAreOrthogonalWhenNIsAPowerOfTwo()
    {
        const int n = 128, m = 40;
        var s = new SrhtSketch(m, n, 8, 0, Options()).Materialize();
        for (int p = 0; p < m; p++)
            for (int q = 0; q < m; q++)
            {
                double dot = 0;
                for (int j = 0; j < n; j++) dot += s[p * n + j] * s[q * n + j];
                double expected = p == q ? (double)n / m : 0;
                Assert.That(dot, Is.EqualTo(expected).Within(1e-13), $"(SSᵀ)[{p}, {q}], absolute 1e-13 (N/m = 3.2)");
            }
    }

    // ---------------------------------------------------------------- item 5: application paths

    private static double[] Multiply(double[] s, int m, int n, double[] a, int k)
    {
        var y = new double[m * k];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < k; c++)
            {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += s[i * n + j] * a[j * k + c];
                y[i * k + c] = sum;
            }
        return y;
    }

    private static void AssertClose(double[] actual, double[] expected, double relative, string what)
    {
        double scale = 0;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(relative * scale), $"{what}: entry {i}, relative (to max |entry|) {relative}");
    }

    [TestCase(100, 30, 7, 0)]
    [TestCase(128, 50, 20, 8)]
    [TestCase(67, 16, 9, 3)]
    public void Srht_DenseVectorAndCsrPathsMatchMaterializedProduct(int n, int m, int k, int panelWidth)
    {
        var sketch = new SrhtSketch(m, n, 9, 1, Options(panelWidth));
        var s = sketch.Materialize();
        var a = RandomBlock(n, k, 10);
        var y = new double[m * k];
        sketch.Apply(a, k, y);
        AssertClose(y, Multiply(s, m, n, a, k), 1e-13, "dense block");

        var v = RandomBlock(n, 1, 11);
        var yv = new double[m];
        sketch.Apply(v, 1, yv);
        AssertClose(yv, Multiply(s, m, n, v, 1), 1e-13, "vector");

        var dense = new double[n, k];
        var sparse = (double[])a.Clone();
        var rng = new Random(12);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                if (rng.NextDouble() < 0.6) sparse[i * k + c] = 0;
                dense[i, c] = sparse[i * k + c];
            }
        var csr = CsrMatrix.FromDense(dense);
        var yc = new double[m * k];
        sketch.Apply(csr, yc);
        AssertClose(yc, Multiply(s, m, n, sparse, k), 1e-13, "CSR");
    }

    [Test]
    public void Srht_JointAugmentedBlockEqualsSeparateSketchesBitwise()
    {
        const int n = 300, m = 60, d = 17;
        var sketch = new SrhtSketch(m, n, 13, 0, Options());
        var a = RandomBlock(n, d, 14);
        var b = RandomBlock(n, 1, 15);
        var ab = new double[n * (d + 1)];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(a, i * d, ab, i * (d + 1), d);
            ab[i * (d + 1) + d] = b[i];
        }
        var joint = new double[m * (d + 1)];
        sketch.Apply(ab, d + 1, joint);
        var sa = new double[m * d];
        sketch.Apply(a, d, sa);
        var sb = new double[m];
        sketch.Apply(b, 1, sb);
        // Bitwise (tolerance 0).
        for (int i = 0; i < m; i++)
        {
            for (int c = 0; c < d; c++)
                Assert.That(BitConverter.DoubleToInt64Bits(joint[i * (d + 1) + c]), Is.EqualTo(BitConverter.DoubleToInt64Bits(sa[i * d + c])), $"SA ({i}, {c})");
            Assert.That(BitConverter.DoubleToInt64Bits(joint[i * (d + 1) + d]), Is.EqualTo(BitConverter.DoubleToInt64Bits(sb[i])), $"Sb {i}");
        }
    }

    // ---------------------------------------------------------------- item 6: thread-count invariance

    [Test]
    public void Srht_BitwiseIdenticalAcrossThreadCountsAndPanelWidths()
    {
        const int n = 3000, m = 200, k = 41;
        var a = RandomBlock(n, k, 16);
        long[]? reference = null;
        foreach (int width in new[] { 8, 16, 0 })
            foreach (int threads in new[] { 1, 2, 4 })
            {
                var sketch = new SrhtSketch(m, n, 17, 0, Options(width)) { MaxDegreeOfParallelism = threads };
                var y = new double[m * k];
                sketch.Apply(a, k, y);
                reference ??= Bits(y);
                // Bitwise (tolerance 0).
                Assert.That(Bits(y), Is.EqualTo(reference), $"panel width {width}, {threads} threads");
            }
    }

    // ---------------------------------------------------------------- item 7: unbiasedness

    [Test]
    public void Srht_MeanOfStSIsIdentityWithinFiveStandardErrors()
    {
        const int n = 32, m = 8, draws = 2000;
        var sum = new double[n * n];
        var sumSquares = new double[n * n];
        var sts = new double[n * n];
        for (int seed = 0; seed < draws; seed++)
        {
            var s = new SrhtSketch(m, n, (ulong)seed, 0, Options()).Materialize();
            Array.Clear(sts);
            for (int r = 0; r < m; r++)
                for (int p = 0; p < n; p++)
                {
                    double sp = s[r * n + p];
                    for (int q = 0; q < n; q++) sts[p * n + q] += sp * s[r * n + q];
                }
            for (int e = 0; e < sts.Length; e++)
            {
                sum[e] += sts[e];
                sumSquares[e] += sts[e] * sts[e];
            }
        }
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++)
            {
                int e = p * n + q;
                double mean = sum[e] / draws;
                double variance = Math.Max(0, (sumSquares[e] - draws * mean * mean) / (draws - 1));
                double target = p == q ? 1 : 0;
                if (variance <= 1e-24)
                    // Zero variance (the diagonal: squared column norms): equal to I up to rounding, absolute 1e-14.
                    Assert.That(mean, Is.EqualTo(target).Within(1e-14), $"({p}, {q}) has zero variance");
                else
                    Assert.That(Math.Abs(mean - target), Is.LessThanOrEqualTo(5 * Math.Sqrt(variance / draws)), $"({p}, {q}): 5 standard errors");
            }
    }

    // ---------------------------------------------------------------- reproducibility and arguments

    [Test]
    public void Srht_SeedReproducesAndAttemptsDiffer()
    {
        var first = new SrhtSketch(20, 100, 42, 0, Options()).Materialize();
        var again = (SrhtSketch)Sketch.Create(Options() with { Seed = 42 }, 20, 100);
        var other = new SrhtSketch(20, 100, 42, 1, Options()).Materialize();
        // Bitwise (tolerance 0).
        Assert.That(Bits(again.Materialize()), Is.EqualTo(Bits(first)));
        Assert.That(Bits(other), Is.Not.EqualTo(Bits(first)), "attempt 1 differs from attempt 0");
    }

    [Test]
    public void Srht_MoreRowsThanPaddedLengthThrows()
    {
        Assert.Throws<ArgumentException>(() => _ = new SrhtSketch(129, 100, 1, 0, Options()));
        Assert.Throws<ArgumentException>(() => Sketch.Create(Options(), 129, 100));
        Assert.DoesNotThrow(() => _ = new SrhtSketch(128, 100, 1, 0, Options()));
    }

    [Test]
    [Explicit("Timing only: n = 200 000, d = 200, m = 800 (about 320 MB).")]
    public void Srht_TimingLarge()
    {
        const int n = 200_000, d = 200, m = 800;
        var a = RandomBlock(n, d + 1, 18);
        var y = new double[m * (d + 1)];
        foreach (int width in new[] { 0, 16, 32 })
        {
            var sketch = new SrhtSketch(m, n, 19, 0, Options(width));
            sketch.Apply(a, d + 1, y);
            var watch = Stopwatch.StartNew();
            sketch.Apply(a, d + 1, y);
            watch.Stop();
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SRHT [A|b] n = {n}, d = {d}, m = {m}: {watch.Elapsed.TotalSeconds:F3} s, panel width {sketch.PanelWidthFor(d + 1)}, {Environment.ProcessorCount} threads"));
        }
        Assert.That(y[0], Is.Not.NaN);
    }
}
