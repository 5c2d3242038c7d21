using NUnit.Framework;
using Solvers.LeastSquares;
using Solvers.LeastSquares.Sketching;
using Solvers.Operators;

namespace Solvers.Tests.LeastSquares;

/// <summary>The bad-input list for both least-squares solvers: n &lt; d, NaN in A or b, m &lt; d, zero columns, rank-deficient A.</summary>
[TestFixture]
public class LeastSquaresBadInputTests
{
    private const int N = 2000, D = 20;

    private static LeastSquaresTestProblem Problem() => LeastSquaresTestProblems.Incoherent(N, D, 1e3, seed: 31);

    private static DenseOperator Modified(LeastSquaresTestProblem p, Action<double[]> change)
    {
        var data = p.A.Data.ToArray();
        change(data);
        return new DenseOperator(N, D, data);
    }

    // A zero column is bad input for both solvers: ArgumentException naming the column.
    [Test]
    public void ZeroColumn_IsAClearError()
    {
        var p = Problem();
        var a = Modified(p, data => { for (int i = 0; i < N; i++) data[i * D + 5] = 0; });
        var x = new double[D];
        var e1 = Assert.Throws<ArgumentException>(() => SketchAndSolve.Solve(a, p.B, x));
        Assert.That(e1!.Message, Does.Contain("Column 5"));
        var e2 = Assert.Throws<ArgumentException>(() => SketchAndPrecondition.Solve(a, p.B, x));
        Assert.That(e2!.Message, Does.Contain("Column 5"));
    }

    // NaN in a stored A: ArgumentException naming the entry (row 3, column 17); NaN in b: ArgumentException.
    [Test]
    public void NaNInAOrB_IsAClearError()
    {
        var p = Problem();
        var a = Modified(p, data => data[3 * D + 17] = double.NaN);
        var x = new double[D];
        Assert.That(Assert.Throws<ArgumentException>(() => SketchAndSolve.Solve(a, p.B, x))!.Message, Does.Contain("A[3, 17]"));
        Assert.That(Assert.Throws<ArgumentException>(() => SketchAndPrecondition.Solve(a, p.B, x))!.Message, Does.Contain("A[3, 17]"));
        var b = p.B.ToArray();
        b[9] = double.NaN;
        Assert.Throws<ArgumentException>(() => SketchAndSolve.Solve(p.A, b, x));
        Assert.Throws<ArgumentException>(() => SketchAndPrecondition.Solve(p.A, b, x));
    }

    // n < d and m < d (+ 2) are misuse.
    [Test]
    public void UnderdeterminedOrTooFewSketchRows_Throw()
    {
        var wide = new DenseOperator(10, 20, new double[200]);
        Assert.Throws<ArgumentException>(() => SketchAndSolve.Solve(wide, new double[10], new double[20]));
        Assert.Throws<ArgumentException>(() => SketchAndPrecondition.Solve(wide, new double[10], new double[20]));
        var p = Problem();
        var x = new double[D];
        var few = new SketchOptions { Rows = D };
        Assert.Throws<ArgumentException>(() => SketchAndSolve.Solve(p.A, p.B, x, new SketchAndSolveOptions { Sketch = few }));
        Assert.Throws<ArgumentException>(() => SketchAndPrecondition.Solve(p.A, p.B, x, new SketchAndPreconditionOptions { Sketch = few }));
    }

    // Rank-deficient A (column 7 = column 3): reported with the detected rank d − 1, never returned as an answer; the
    // minimum-norm solution only when asked for (SAP with Factorization = Svd: rank d − 1, ‖Aᵀr‖ small, and x has equal
    // components on the two identical columns, which is the minimum-norm split, to 1e−8 relative).
    [Test]
    public void RankDeficientA_IsReportedWithItsRank_AndMinimumNormOnlyWhenAsked()
    {
        var p = Problem();
        var a = Modified(p, data => { for (int i = 0; i < N; i++) data[i * D + 7] = data[i * D + 3]; });
        var x = Enumerable.Repeat(42.0, D).ToArray();
        var sas = SketchAndSolve.Solve(a, p.B, x);
        Assert.That(sas.Status, Is.EqualTo(SketchAndSolveStatus.RankDeficientSketch));
        Assert.That(sas.DetectedRank, Is.EqualTo(D - 1));
        Assert.That(x, Is.All.EqualTo(42.0), "x untouched");

        var sap = SketchAndPrecondition.Solve(a, p.B, x);
        Assert.That(sap.Summary.Converged, Is.False);
        Assert.That(sap.Summary.Reason, Is.EqualTo(ConvergenceReason.DivergedBreakdown));
        Assert.That(sap.Rank, Is.EqualTo(D - 1));

        var svd = SketchAndPrecondition.Solve(a, p.B, x, new SketchAndPreconditionOptions { Factorization = PreconditionerFactorization.Svd });
        Assert.That(svd.Summary.Converged, Is.True);
        Assert.That(svd.Rank, Is.EqualTo(D - 1));
        Assert.That(x[7], Is.EqualTo(x[3]).Within(1e-8 * Math.Abs(x[3])));
    }
}
