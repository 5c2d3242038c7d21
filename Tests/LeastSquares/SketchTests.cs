using System.Diagnostics;
using NUnit.Framework;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>Sketch operators: generator, identities, application paths, determinism, unbiasedness (spec sketched-regression §6.1 items 1, 2, 4–7).</summary>
[TestFixture]
public class SketchTests
{
    private static readonly SketchKind[] Kinds = [SketchKind.SparseSign, SketchKind.CountSketch, SketchKind.Gaussian, SketchKind.UniformRows];
    private static readonly SketchKind[] ProjectKernelKinds = [SketchKind.SparseSign, SketchKind.CountSketch, SketchKind.UniformRows];

    private static ISketch Make(SketchKind kind, int m, int n, ulong seed = 7, int attempt = 0, int s = 8, long budget = 256L << 20) =>
        Sketch.Create(new SketchOptions { Kind = kind, Seed = seed, NonzerosPerColumn = s, WorkspaceBudgetBytes = budget }, m, n, attempt);

    private static double[] RandomMatrix(int rows, int cols, int seed, double density = 1)
    {
        var rng = new Random(seed);
        var a = new double[rows * cols];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() < density ? 2 * rng.NextDouble() - 1 : 0;
        return a;
    }

    /// <summary>S·A by plain loops from the materialised S (row-major m×n times row-major n×k).</summary>
    private static double[] Reference(double[] s, int m, int n, double[] a, int k)
    {
        var y = new double[m * k];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sij = s[i * n + j];
                if (sij == 0) continue;
                for (int c = 0; c < k; c++) y[i * k + c] += sij * a[j * k + c];
            }
        return y;
    }

    private static double RelativeDifference(double[] x, double[] reference)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < x.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(x[i] - reference[i]));
            norm = Math.Max(norm, Math.Abs(reference[i]));
        }
        return diff / norm;
    }

    private static CsrMatrix ToCsr(double[] a, int rows, int cols)
    {
        var dense = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) dense[i, j] = a[i * cols + j];
        return CsrMatrix.FromDense(dense);
    }

    /// <summary>Runs <paramref name="action"/> with Parallel loops limited to <paramref name="degree"/> workers.</summary>
    private static T WithParallelism<T>(int degree, Func<T> action)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, degree).ConcurrentScheduler;
        return Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.None, scheduler).GetAwaiter().GetResult();
    }

    /// <summary>A matrix-free wrapper: neither a DenseOperator nor a CsrMatrix.</summary>
    private sealed class Opaque(ILinearOperator inner) : ILinearOperator
    {
        public int Rows => inner.Rows;
        public int Columns => inner.Columns;
        public OperatorProperties Properties => OperatorProperties.None;
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => inner.Apply(x, y);
    }

    // ---- item 1 ----

    [Test]
    public void PhiloxKnownAnswersExactly()
    {
        // Tolerance: exact (bitwise) equality with the Random123 vectors of spec §3.6.
        Philox.Generate(0, 0, 0, 0, 0, 0, out uint a0, out uint a1, out uint a2, out uint a3);
        Assert.That(new[] { a0, a1, a2, a3 }, Is.EqualTo(new uint[] { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 }));
        Philox.Generate(uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue,
            out a0, out a1, out a2, out a3);
        Assert.That(new[] { a0, a1, a2, a3 }, Is.EqualTo(new uint[] { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd }));
        Philox.Generate(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out a0, out a1, out a2, out a3);
        Assert.That(new[] { a0, a1, a2, a3 }, Is.EqualTo(new uint[] { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 }));
    }

    // ---- item 2 ----

    [Test]
    public void StreamDrawsAreIndependentOfGenerationOrder()
    {
        // Tolerance: bitwise. The same (seed, purpose, attempt, index) gives the same draw alone, in a block and from any
        // Parallel.For partition; another attempt gives a different stream.
        var stream = new PhiloxStream(42, RandomPurpose.GaussianEntries, 3);
        const int count = 4099;
        var block = new double[count];
        for (int e = 0; e < count; e++) block[e] = stream.Normal((ulong)e);
        foreach (int chunk in new[] { 1, 7, 64, 1000 })
        {
            var parallel = new double[count];
            int chunks = (count + chunk - 1) / chunk;
            Parallel.For(0, chunks, c =>
            {
                for (int e = c * chunk; e < Math.Min(count, (c + 1) * chunk); e++) parallel[e] = stream.Normal((ulong)e);
            });
            Assert.That(parallel, Is.EqualTo(block), $"chunk {chunk}");
        }
        Assert.That(new PhiloxStream(42, RandomPurpose.GaussianEntries, 3).Normal(1234), Is.EqualTo(block[1234]));

        var other = new PhiloxStream(42, RandomPurpose.GaussianEntries, 4);
        int equal = 0;
        for (int e = 0; e < count; e++) if (other.Normal((ulong)e) == block[e]) equal++;
        Assert.That(equal, Is.Zero);

        // The Gaussian panel generator (parallel over column chunks) reproduces the canonical entries i + m·j.
        var sketch = (GaussianSketch)Make(SketchKind.Gaussian, 7, 40, seed: 42, attempt: 3);
        var panel = new double[7 * 30];
        sketch.GeneratePanel(5, 30, panel);
        var canonical = new PhiloxStream(42, RandomPurpose.GaussianEntries, 3);
        for (int j = 0; j < 30; j++)
            for (int i = 0; i < 7; i++)
                Assert.That(panel[i + 7 * j], Is.EqualTo(canonical.Normal((ulong)(i + 7 * (5 + j)))));
    }

    // ---- item 4 ----

    [TestCase(100)]
    [TestCase(128)]
    public void HashedSketchColumnsHaveUnitNormAndDistinctRows(int n)
    {
        // Tolerance: column norms 1 to 1e-15; nonzero counts and distinctness exact.
        const int m = 20;
        foreach (var (kind, s) in new[] { (SketchKind.SparseSign, 8), (SketchKind.SparseSign, 3), (SketchKind.CountSketch, 1) })
        {
            var dense = Make(kind, m, n, seed: 11, s: s).Materialize();
            for (int k = 0; k < n; k++)
            {
                double norm2 = 0;
                int nonzeros = 0;
                for (int i = 0; i < m; i++)
                {
                    double v = dense[i * n + k];
                    norm2 += v * v;
                    if (v != 0)
                    {
                        nonzeros++;
                        Assert.That(Math.Abs(v), Is.EqualTo(1 / Math.Sqrt(s)));
                    }
                }
                Assert.That(Math.Sqrt(norm2), Is.EqualTo(1).Within(1e-15), $"{kind} column {k}");
                // Materialize writes one entry per draw, so s distinct rows ⇔ s nonzeros.
                Assert.That(nonzeros, Is.EqualTo(s), $"{kind} column {k}");
            }
        }
    }

    [TestCase(100)]
    [TestCase(128)]
    public void UniformRowsAreScaledUnitVectors(int n)
    {
        // Tolerance: exact (the single nonzero of each row is √(n/m) and the sampled columns are distinct).
        const int m = 20;
        var dense = Make(SketchKind.UniformRows, m, n, seed: 5).Materialize();
        var columns = new HashSet<int>();
        for (int i = 0; i < m; i++)
        {
            int nonzeros = 0;
            for (int k = 0; k < n; k++)
                if (dense[i * n + k] != 0)
                {
                    nonzeros++;
                    columns.Add(k);
                    Assert.That(dense[i * n + k], Is.EqualTo(Math.Sqrt((double)n / m)));
                }
            Assert.That(nonzeros, Is.EqualTo(1));
        }
        Assert.That(columns, Has.Count.EqualTo(m));
    }

    // ---- item 5 ----

    [TestCaseSource(nameof(Kinds))]
    public void ApplicationPathsAgreeWithMaterializedProduct(SketchKind kind)
    {
        // Tolerance: 1e-13 relative (max-norm) against Materialize()·A by plain loops; ApplyAugmented's Sb equals the k = 1
        // application bitwise.
        const int n = 150, d = 9, m = 30;
        var sketch = Make(kind, m, n, seed: 3);
        var a = RandomMatrix(n, d, 1, density: 0.6);
        var b = RandomMatrix(n, 1, 2);
        var s = sketch.Materialize();
        var reference = Reference(s, m, n, a, d);
        var referenceB = Reference(s, m, n, b, 1);

        var dense = new double[m * d];
        sketch.Apply(a, d, dense);
        Assert.That(RelativeDifference(dense, reference), Is.LessThanOrEqualTo(1e-13), "dense block");

        var vector = new double[m];
        sketch.Apply(b, 1, vector);
        Assert.That(RelativeDifference(vector, referenceB), Is.LessThanOrEqualTo(1e-13), "vector");

        var csr = new double[m * d];
        sketch.Apply(ToCsr(a, n, d), csr);
        Assert.That(RelativeDifference(csr, reference), Is.LessThanOrEqualTo(1e-13), "CSR");

        var denseOperator = new DenseOperator(n, d, a);
        var free = new double[m * d];
        SketchApplication.Apply(sketch, new Opaque(denseOperator), free);
        Assert.That(RelativeDifference(free, reference), Is.LessThanOrEqualTo(1e-13), "matrix-free");

        // The Gaussian gemm belongs to the backend, which need not be bitwise reproducible even between two calls
        // (spec §3.8, pitfall 19): there the dispatch checks use the 1e-13 tolerance instead of bitwise equality.
        void Same(double[] actual, double[] expected, string what)
        {
            if (kind == SketchKind.Gaussian) Assert.That(RelativeDifference(actual, expected), Is.LessThanOrEqualTo(1e-13), what);
            else Assert.That(actual, Is.EqualTo(expected), what);
        }
        var viaOperator = new double[m * d];
        SketchApplication.Apply(sketch, denseOperator, viaOperator);
        Same(viaOperator, dense, "DenseOperator dispatch is the dense path");
        var viaCsr = new double[m * d];
        SketchApplication.Apply(sketch, ToCsr(a, n, d), viaCsr);
        Same(viaCsr, csr, "CsrMatrix dispatch is the CSR path");

        var sa = new double[m * d];
        var sb = new double[m];
        SketchApplication.ApplyAugmented(sketch, denseOperator, b, sa, sb);
        Same(sb, vector, "Sb equals the k = 1 application");
        Same(sa, dense, "SA");
    }

    [TestCaseSource(nameof(ProjectKernelKinds))]
    public void JointSketchOfAugmentedBlockEqualsSeparateSketchesBitwise(SketchKind kind)
    {
        // Tolerance: bitwise — [SA | Sb] from one (d+1)-column block equals SA and Sb from separate applications; the
        // matrix-free path equals the dense path bitwise too (exact columns).
        const int n = 9000, d = 11, m = 60;
        var sketch = Make(kind, m, n, seed: 17);
        var a = RandomMatrix(n, d, 4);
        var b = RandomMatrix(n, 1, 5);
        var joint = new double[n * (d + 1)];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(a, i * d, joint, i * (d + 1), d);
            joint[i * (d + 1) + d] = b[i];
        }
        var sJoint = new double[m * (d + 1)];
        sketch.Apply(joint, d + 1, sJoint);
        var sa = new double[m * d];
        var sb = new double[m];
        SketchApplication.ApplyAugmented(sketch, new DenseOperator(n, d, a), b, sa, sb);
        for (int i = 0; i < m; i++)
        {
            for (int c = 0; c < d; c++) Assert.That(sa[i * d + c], Is.EqualTo(sJoint[i * (d + 1) + c]));
            Assert.That(sb[i], Is.EqualTo(sJoint[i * (d + 1) + d]));
        }
        var free = new double[m * d];
        SketchApplication.Apply(sketch, new Opaque(new DenseOperator(n, d, a)), free);
        Assert.That(free, Is.EqualTo(sa));
    }

    [TestCase(SketchKind.SparseSign, 40, 0)]
    [TestCase(SketchKind.SparseSign, 40, 3)]
    [TestCase(SketchKind.SparseSign, 37, 5)]
    [TestCase(SketchKind.CountSketch, 48, 1)]
    public void ColumnMajorApplicationWithExtraColumn_EqualsRowMajorBitwise_AtAnyAlignment(SketchKind kind, int d, int shift)
    {
        // Tolerance: bitwise. The column-major path (SAP's [SA | Sb] for LAPACK) with b as an extra column equals the row-major
        // application of A and of b alone, whatever the alignment of A's rows (the panels start on cache lines), and refuses
        // (false, nothing written) when S does not fit the workspace budget.
        const int n = 6000, m = 120;
        var a = RandomMatrix(n, d, 21);
        var b = RandomMatrix(n, 1, 22);
        var shifted = new double[n * d + shift];
        Array.Copy(a, 0, shifted, shift, n * d);
        var sketch = Make(kind, m, n, seed: 23);
        var rowMajor = new double[m * d];
        sketch.Apply(a, d, rowMajor);
        var sb = new double[m];
        sketch.Apply(b, 1, sb);
        const int ld = m + 3;
        var columnMajor = new double[ld * (d + 1)];
        Array.Fill(columnMajor, double.NaN);
        bool done = kind == SketchKind.SparseSign
            ? ((SparseSignSketch)sketch).TryApplyColumnMajor(shifted.AsSpan(shift, n * d), d, b, columnMajor, ld)
            : ((CountSketch)sketch).TryApplyColumnMajor(shifted.AsSpan(shift, n * d), d, b, columnMajor, ld);
        Assert.That(done, Is.True);
        for (int i = 0; i < m; i++)
        {
            for (int c = 0; c < d; c++)
                Assert.That(columnMajor[i + c * ld], Is.EqualTo(rowMajor[i * d + c]), $"SA[{i}, {c}] bitwise");
            Assert.That(columnMajor[i + d * ld], Is.EqualTo(sb[i]), $"Sb[{i}] bitwise");
        }

        // 12 000 columns of S with 8 nonzeros need 1.15 MB > the 1 MiB budget; with 1 nonzero (CountSketch) they fit.
        const int n2 = 12_000;
        var small = Make(kind, m, n2, seed: 23, budget: 1L << 20);
        var a2 = RandomMatrix(n2, 4, 24);
        var untouched = new double[ld * 4];
        bool smallDone = kind == SketchKind.SparseSign
            ? ((SparseSignSketch)small).TryApplyColumnMajor(a2, 4, default, untouched, ld)
            : ((CountSketch)small).TryApplyColumnMajor(a2, 4, default, untouched, ld);
        Assert.That(smallDone, Is.EqualTo(kind == SketchKind.CountSketch), "refused exactly when S exceeds the budget");
        if (!smallDone) Assert.That(untouched.All(v => v == 0), Is.True, "nothing written when refused");
    }

    // ---- item 6 ----

    [TestCaseSource(nameof(ProjectKernelKinds))]
    public void ResultIsBitwiseIndependentOfParallelism(SketchKind kind)
    {
        // Tolerance: bitwise, for 1, 2 and default workers, dense and CSR inputs, and (hashed kinds) the row-block and
        // column-panel paths (a 1 MiB budget forces the latter: 2 accumulators of 2000×40 doubles exceed it).
        const int n = 20000, d = 40, m = 2000;
        var a = RandomMatrix(n, d, 8, density: 0.3);
        var csr = ToCsr(a, n, d);
        double[] Run(long budget, bool sparse)
        {
            var sketch = Make(kind, m, n, seed: 99, budget: budget);
            var y = new double[m * d];
            if (sparse) sketch.Apply(csr, y);
            else sketch.Apply(a, d, y);
            return y;
        }
        foreach (bool sparse in new[] { false, true })
        {
            var baseline = WithParallelism(1, () => Run(256L << 20, sparse));
            Assert.That(WithParallelism(2, () => Run(256L << 20, sparse)), Is.EqualTo(baseline));
            Assert.That(Run(256L << 20, sparse), Is.EqualTo(baseline));
            Assert.That(Run(1L << 20, sparse), Is.EqualTo(baseline), "column-panel path");
            Assert.That(WithParallelism(1, () => Run(1L << 20, sparse)), Is.EqualTo(baseline), "column-panel path, 1 worker");
        }
    }

    [Test]
    public void GaussianPanelsAreBitwiseIndependentOfParallelism()
    {
        // Tolerance: bitwise (the gemm belongs to the backend and is not compared bitwise; spec §3.8).
        var sketch = (GaussianSketch)Make(SketchKind.Gaussian, 33, 500, seed: 123);
        double[] Panel()
        {
            var p = new double[33 * 301];
            sketch.GeneratePanel(101, 301, p);
            return p;
        }
        var baseline = WithParallelism(1, Panel);
        Assert.That(WithParallelism(2, Panel), Is.EqualTo(baseline));
        Assert.That(Panel(), Is.EqualTo(baseline));
    }

    // ---- item 7 ----

    [TestCaseSource(nameof(Kinds))]
    public void SketchIsUnbiased(SketchKind kind)
    {
        // Tolerance: every entry of mean(SᵀS) − I within 5 sample standard errors over 2000 seeds; entries with zero sample
        // variance must match I exactly up to the rounding of (1/√s)² summed s times (1e-15).
        const int n = 32, m = 8, seeds = 2000;
        var sum = new double[n * n];
        var sumSquares = new double[n * n];
        var gram = new double[n * n];
        for (int seed = 0; seed < seeds; seed++)
        {
            var s = Make(kind, m, n, seed: (ulong)seed, s: 4).Materialize();
            Array.Clear(gram);
            for (int i = 0; i < m; i++)
                for (int p = 0; p < n; p++)
                {
                    double sp = s[i * n + p];
                    if (sp == 0) continue;
                    for (int q = 0; q < n; q++) gram[p * n + q] += sp * s[i * n + q];
                }
            for (int e = 0; e < n * n; e++)
            {
                sum[e] += gram[e];
                sumSquares[e] += gram[e] * gram[e];
            }
        }
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++)
            {
                int e = p * n + q;
                double mean = sum[e] / seeds;
                double variance = Math.Max(0, (sumSquares[e] - seeds * mean * mean) / (seeds - 1));
                double expected = p == q ? 1 : 0;
                double standardError = Math.Sqrt(variance / seeds);
                if (standardError < 1e-12)
                    Assert.That(mean, Is.EqualTo(expected).Within(1e-15), $"{kind} ({p}, {q}) zero variance");
                else
                    Assert.That(Math.Abs(mean - expected), Is.LessThanOrEqualTo(5 * standardError), $"{kind} ({p}, {q})");
            }
    }

    [TestCaseSource(nameof(Kinds))]
    public void SeedsReproduceAndAttemptsDiffer(SketchKind kind)
    {
        // Tolerance: bitwise equality of S for the same (seed, attempt) and of SA for the project's kernels (Gaussian SA:
        // 1e-13 relative, backend gemm); any difference for another attempt or seed.
        const int n = 64, m = 12;
        var first = Make(kind, m, n, seed: 2024).Materialize();
        Assert.That(Make(kind, m, n, seed: 2024).Materialize(), Is.EqualTo(first));
        Assert.That(Make(kind, m, n, seed: 2024, attempt: 1).Materialize(), Is.Not.EqualTo(first));
        Assert.That(Make(kind, m, n, seed: 2025).Materialize(), Is.Not.EqualTo(first));
        var a = RandomMatrix(n, 3, 6);
        var y1 = new double[m * 3];
        var y2 = new double[m * 3];
        Make(kind, m, n, seed: 2024).Apply(a, 3, y1);
        Make(kind, m, n, seed: 2024).Apply(a, 3, y2);
        if (kind == SketchKind.Gaussian) Assert.That(RelativeDifference(y2, y1), Is.LessThanOrEqualTo(1e-13), "backend gemm");
        else Assert.That(y2, Is.EqualTo(y1));
    }

    // ---- bad arguments ----

    [TestCaseSource(nameof(Kinds))]
    public void WrongSizesThrowArgumentException(SketchKind kind)
    {
        // Tolerance: exact (the exception type).
        const int n = 40, m = 10;
        var sketch = Make(kind, m, n);
        var a = new double[n * 3];
        Assert.Throws<ArgumentException>(() => sketch.Apply(a, 3, new double[m * 3 - 1]));
        Assert.Throws<ArgumentException>(() => sketch.Apply(new double[n * 3 + 1], 3, new double[m * 3]));
        Assert.Throws<ArgumentException>(() => sketch.Apply(ToCsr(new double[(n + 1) * 2], n + 1, 2), new double[m * 2]));
        Assert.Throws<ArgumentException>(() => sketch.Apply(ToCsr(new double[n * 2], n, 2), new double[m * 3]));
        var op = new DenseOperator(n, 3, a);
        Assert.Throws<ArgumentException>(() => SketchApplication.Apply(sketch, op, new double[m * 2]));
        Assert.Throws<ArgumentException>(() => SketchApplication.Apply(sketch, new DenseOperator(n + 1, 3, new double[(n + 1) * 3]), new double[m * 3]));
        Assert.Throws<ArgumentException>(() => SketchApplication.ApplyAugmented(sketch, op, new double[n - 1], new double[m * 3], new double[m]));
        Assert.Throws<ArgumentException>(() => SketchApplication.ApplyAugmented(sketch, op, new double[n], new double[m * 3], new double[m + 1]));
    }

    [Test]
    public void SparseSignWithMoreNonzerosThanRowsThrows()
    {
        // Tolerance: exact (the exception type); s = m is allowed.
        Assert.Throws<ArgumentException>(() => Make(SketchKind.SparseSign, 5, 50, s: 6));
        Assert.That(Make(SketchKind.SparseSign, 5, 50, s: 5).Materialize().Count(v => v != 0), Is.EqualTo(250));
        Assert.Throws<ArgumentException>(() => Make(SketchKind.UniformRows, 51, 50));
    }

    [Test, Explicit("timing, not a test: sparse-sign SA at n = 200 000, d = 200, m = 2000")]
    public void SparseSignTiming()
    {
        const int n = 200_000, d = 200, m = 2000;
        var a = RandomMatrix(n, d, 1);
        var sketch = Make(SketchKind.SparseSign, m, n);
        var y = new double[m * d];
        sketch.Apply(a, d, y);
        var watch = Stopwatch.StartNew();
        sketch.Apply(a, d, y);
        TestContext.Out.WriteLine($"sparse sign SA: {watch.Elapsed.TotalMilliseconds:F0} ms");
    }
}
