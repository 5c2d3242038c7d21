using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Operators;
using static Solvers.Tests.IO.Hdf5.H5TestSupport;

namespace Solvers.Tests.IO.Hdf5;

[TestFixture]
public class StructuredStorageTests
{
    private static LinearProblem RoundTrip(ILinearOperator a, ProblemWriteOptions? o = null)
    {
        string path = TempFile();
        var w = new ProblemSetWriter();
        w.Add(Problem("000000", a), o);
        w.Write(path);
        return ReadOnly(path);
    }

    private static void AssertSameApply(KroneckerOperator expected, ILinearOperator actual)
    {
        Assert.That(actual.Rows, Is.EqualTo(expected.Rows));
        Assert.That(actual.Columns, Is.EqualTo(expected.Columns));
        var rng = new Random(5);
        var x = Enumerable.Range(0, expected.Columns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var ye = Apply(expected, x);
        var ya = Apply(actual, x);
        for (int i = 0; i < ye.Length; i++) Assert.That(ya[i], Is.EqualTo(ye[i]).Within(1e-13 * (1 + Math.Abs(ye[i]))), $"row {i}");
    }

    private static void AssertSameStencil(StencilOperator e, ILinearOperator actual)
    {
        Assert.That(actual, Is.InstanceOf<StencilOperator>());
        var a = (StencilOperator)actual;
        Assert.That(a.GridShape, Is.EqualTo(e.GridShape));
        Assert.That(a.Offsets, Is.EqualTo(e.Offsets));
        Assert.That(a.Boundary, Is.EqualTo(e.Boundary));
        Assert.That(a.IsVariable, Is.EqualTo(e.IsVariable));
        var ec = e.Coefficients.ToArray();
        var ac = a.Coefficients.ToArray();
        Assert.That(ac.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(ec.Select(BitConverter.DoubleToInt64Bits)));
    }

    [Test]
    public void Laplacian2D_IsWrittenAsStencil_RoundTripIsExact()
    {
        var lap = new Laplacian2D(7, 5, 0.1, 0.2, StencilBoundary.Dirichlet);
        var r = RoundTrip(lap);
        AssertSameStencil(lap.ToStencil(), r.A);
        Assert.That(r.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True, "symmetry hint verified by the random test");
    }

    [Test]
    public void DiffusionStencil2D_VariableCoefficients_RoundTripIsExact()
    {
        var kappa = Enumerable.Range(0, 6 * 4).Select(i => 1 + 0.1 * i).ToArray();
        var op = new DiffusionStencil2D(6, 4, 0.5, 0.25, kappa, StencilBoundary.Neumann);
        var r = RoundTrip(op);
        AssertSameStencil(op.ToStencil(), r.A);
        Assert.That(((StencilOperator)r.A).IsVariable, Is.True);
    }

    [Test]
    public void Laplacian3D_Periodic_RoundTripIsExact()
    {
        var lap = new Laplacian3D(3, 4, 5, 1, 1, 1, StencilBoundary.Periodic);
        AssertSameStencil(lap.ToStencil(), RoundTrip(lap).A);
    }

    [Test]
    public void Kronecker_NestedProductAndSum_RoundTrip()
    {
        var inner = KroneckerOperator.Sum(SymmetricTridiagonal(3), SymmetricTridiagonal(2));
        var outer = KroneckerOperator.Product(Tridiagonal(4), inner, new StencilOperator([3], [-1, 0, 1], [1.0, -2.0, 1.5], [StencilBoundary.Dirichlet]));
        var r = RoundTrip(outer);
        Assert.That(r.A, Is.InstanceOf<KroneckerOperator>());
        var k = (KroneckerOperator)r.A;
        Assert.That(k.Combine, Is.EqualTo(KroneckerCombine.Product));
        Assert.That(k.Factors, Has.Count.EqualTo(3));
        Assert.That(k.Factors[1], Is.InstanceOf<KroneckerOperator>());
        Assert.That(((KroneckerOperator)k.Factors[1]).Combine, Is.EqualTo(KroneckerCombine.Sum));
        Assert.That(((CsrMatrix)k.Factors[0]).Values.ToArray(), Is.EqualTo(Tridiagonal(4).Values.ToArray()));
        AssertSameApply(outer, r.A);
    }

    [Test]
    public void Dense_RoundTripIsExact()
    {
        var a = CsrMatrix.FromDense(new double[,] { { 1, 0, 2.5 }, { 0, 3, 0 }, { -1e-300, 4, 5 } });
        var r = RoundTrip(a, new ProblemWriteOptions { Storage = "dense" });
        Assert.That(r.A, Is.InstanceOf<DenseOperator>());
        Assert.That(((DenseOperator)r.A).ToArray(), Is.EqualTo(a.ToDense()));
    }

    [Test]
    public unsafe void LargeDense_IsReadIntoAlignedMemory_Exactly()
    {
        // 1100×1000 doubles = 8.8 MB, above LargeArrays.ThresholdBytes: the reader copies the dataset once into 64-byte-aligned
        // memory (the streaming kernels' layout). Tolerance: bitwise.
        const int m = 1100, n = 1000;
        var rng = new Random(9);
        var data = new double[m * n];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() - 0.5;
        var r = RoundTrip(new DenseOperator(m, n, data));
        Assert.That(r.A, Is.InstanceOf<DenseOperator>());
        var read = (DenseOperator)r.A;
        fixed (double* p = read.Data) Assert.That((long)p % 64, Is.Zero, "64-byte aligned");
        Assert.That(read.Data.SequenceEqual(data), Is.True, "bitwise");
    }

    [Test]
    public void DenseOperator_IsWrittenAsDense_SymmetryHintVerified()
    {
        var m = new double[,] { { 2, -1e-300, 0 }, { -1e-300, 3, 1 }, { 0, 1, 5 } };
        var d = new DenseOperator(m, OperatorProperties.Symmetric);
        var r = RoundTrip(d);
        Assert.That(r.A, Is.InstanceOf<DenseOperator>());
        Assert.That(((DenseOperator)r.A).Data.ToArray().Select(BitConverter.DoubleToInt64Bits),
            Is.EqualTo(d.Data.ToArray().Select(BitConverter.DoubleToInt64Bits)));
        Assert.That(r.A.Properties.HasFlag(OperatorProperties.Symmetric), Is.True);
    }

    [Test]
    public void KroneckerDeeperThanFour_IsRefusedByTheWriter()
    {
        ILinearOperator op = KroneckerOperator.Product(CsrMatrix.Identity(1), CsrMatrix.Identity(1));
        for (int i = 0; i < 4; i++) op = KroneckerOperator.Product(op, CsrMatrix.Identity(1));
        var w = new ProblemSetWriter();
        Assert.Throws<ArgumentException>(() => w.Add(Problem("000000", op)));
    }
}
