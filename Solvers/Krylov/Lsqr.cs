namespace Solvers.Krylov;

/// <summary>Options of <see cref="Lsqr"/> (spec sketched-regression §2.6).</summary>
public sealed record LsqrOptions
{
    /// <summary>atol of test (2) ‖Āᵀr‖ ≤ atol·N_A·‖r‖ and of test (1) (10⁻¹⁴).</summary>
    public double NormalEquationTolerance { get; init; } = 1e-14;

    /// <summary>btol of test (1) ‖r‖ ≤ btol·‖c_ref‖ + atol·N_A·‖y_ref‖ (10⁻¹⁴).</summary>
    public double ResidualTolerance { get; init; } = 1e-14;

    /// <summary>Iteration cap; required ≥ 1 (no "0 means 2n" default).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>‖c_ref‖ of test (1); null = ‖c‖ of this solve (SAP passes the original ‖b‖).</summary>
    public double? ReferenceRightHandSideNorm { get; init; }

    /// <summary>y_ref = offset + y of test (1); null = y (SAP passes R·x_k).</summary>
    public double[]? SolutionOffset { get; init; }

    /// <summary>Wall-clock limit; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Log every this many iterations (0 = never).</summary>
    public int LogEvery { get; init; }

    /// <summary>First value of the cumulative iteration count reported to progress (SAP's correction solves continue it).</summary>
    public int IterationOffset { get; init; }
}

/// <summary>The outcome of <see cref="Lsqr.Solve"/>.</summary>
/// <param name="Summary">Reason (ConvergedRelativeTolerance for test (1), ConvergedNormalEquations for test (2), ConvergedZeroRightHandSide, DivergedMaxIterations, DivergedNaN, Stagnated, Cancelled, TimeLimit), iterations, ‖c‖, the estimate ‖r‖ = φ̄, and elapsed time (TrueResidualNorm = the estimate; the caller recomputes).</param>
/// <param name="NormalResidualEstimate">‖Āᵀr‖ estimate φ̄·α·|c| at exit.</param>
/// <param name="OperatorNormEstimate">N_A, the running Frobenius estimate of ‖Ā‖.</param>
public readonly record struct LsqrResult(SolverResult Summary, double NormalResidualEstimate, double OperatorNormEstimate);

/// <summary>Vectors of one LSQR solve (u, v, w and a scratch of each length); reuse across solves of the same shape.</summary>
public sealed class LsqrWorkspace
{
    /// <summary>Allocates for an m×n operator.</summary>
    public LsqrWorkspace(int rows, int columns) => throw new NotImplementedException();

    /// <summary>m.</summary>
    public int Rows { get; }

    /// <summary>n.</summary>
    public int Columns { get; }
}

/// <summary>
/// LSQR (Paige–Saunders) for min ‖Āy − c‖₂ without damping (spec sketched-regression §2.6); zero allocation inside the
/// iteration loop; never throws for numerical outcomes.
/// </summary>
public static class Lsqr
{
    /// <summary>Solves from y = 0 (the contents of <paramref name="y"/> are overwritten).</summary>
    /// <exception cref="ArgumentException">Size mismatch, invalid options, non-finite c.</exception>
    public static LsqrResult Solve(IAdjointableOperator a, ReadOnlySpan<double> c, Span<double> y, LsqrOptions? options = null,
        SolverHooks hooks = default, LsqrWorkspace? workspace = null) => throw new NotImplementedException();
}
