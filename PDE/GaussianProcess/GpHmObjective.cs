using Solvers.Dense;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// Fixed fields added to a GP's own contribution, for the extra-GP stage (spec §2.10): the boundary misfit and the
/// Allen–Cahn nonlinearity use U + <see cref="Values"/>, and the linear derivative part of the residual gets
/// <see cref="DerivativeTerm"/> added. Both are row-major grid arrays.
/// </summary>
public sealed record GpHmOffset(double[] Values, double[] DerivativeTerm);

/// <summary>A per-dimension Gram matrix K_j was not numerically positive definite.</summary>
public sealed class KernelNotPositiveDefiniteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(int dimension, int pivot, double value)
        : base($"The Gram matrix K of dimension {dimension} is not positive definite (Cholesky pivot {pivot}, value {value:G6}).")
    {
        Dimension = dimension;
        Pivot = pivot;
        Value = value;
    }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException() : this(-1, -1, double.NaN) { }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(string message) : base(message) { Dimension = -1; Pivot = -1; Value = double.NaN; }

    /// <summary>Creates the exception.</summary>
    public KernelNotPositiveDefiniteException(string message, Exception innerException) : base(message, innerException) { Dimension = -1; Pivot = -1; Value = double.NaN; }

    /// <summary>The dimension j (0-based).</summary>
    public int Dimension { get; }

    /// <summary>The failing pivot (0-based).</summary>
    public int Pivot { get; }

    /// <summary>The pivot's value.</summary>
    public double Value { get; }
}

/// <summary>
/// The GP-HM loss J (negative log joint, spec §2.6) and its hand-derived gradient (§2.7) over one flat parameter vector.
/// </summary>
/// <remarks>
/// Layout (length M + 3QD + 2): [U (row-major grid values, M) | per dimension j: a (Q), b (Q), μ (Q) | log τ1 | log τ2].
/// Baseline kernels keep their μ slots, whose gradient is zero.
/// </remarks>
public sealed class GpHmObjective
{
    /// <summary>Prepares workspaces for the problem.</summary>
    /// <param name="problem">The PDE.</param>
    /// <param name="options">Kernel, Q, jitter, λ_b, log-det and corner settings are read from here (Steps is not).</param>
    /// <param name="backend">Dense backend; null = <see cref="DenseBackend.Current"/>.</param>
    /// <param name="offset">Fixed fields for the extra-GP stage, or null.</param>
    public GpHmObjective(TensorGridPde problem, GpHmOptions options, IDenseBackend? backend = null, GpHmOffset? offset = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>The problem.</summary>
    public TensorGridPde Problem => throw new NotImplementedException();

    /// <summary>M + 3QD + 2.</summary>
    public int ParameterCount => throw new NotImplementedException();

    /// <summary>Index of a_0 of dimension j (= M + 3Q·j).</summary>
    public int KernelOffset(int dimension) => throw new NotImplementedException();

    /// <summary>Index of log τ1.</summary>
    public int LogTau1Index => throw new NotImplementedException();

    /// <summary>Index of log τ2.</summary>
    public int LogTau2Index => throw new NotImplementedException();

    /// <summary>The reference initialisation (spec §2.8): U = 0, a = log(1/Q), b = 0, μ = linspace(0, 1, Q)·freq_scale, log τ = 0.</summary>
    public void InitializeParameters(Span<double> parameters) => throw new NotImplementedException();

    /// <summary>
    /// J at <paramref name="parameters"/>; when <paramref name="gradient"/> is non-empty (length
    /// <see cref="ParameterCount"/>) it is overwritten with ∂J/∂θ. The parts are in <see cref="LastLoss"/>.
    /// </summary>
    /// <exception cref="KernelNotPositiveDefiniteException">A K_j failed its Cholesky factorization.</exception>
    public double Evaluate(ReadOnlySpan<double> parameters, Span<double> gradient) => throw new NotImplementedException();

    /// <summary>The parts of the last evaluated loss.</summary>
    public GpHmLossParts LastLoss => throw new NotImplementedException();

    /// <summary>
    /// The GP-interpolant derivative of the grid values along one dimension (order 1: K'K⁻¹ along that mode, order 2:
    /// K''K⁻¹), as a row-major grid array, at the given parameters.
    /// </summary>
    public void GridDerivative(ReadOnlySpan<double> parameters, int dimension, int order, Span<double> result) =>
        throw new NotImplementedException();

    /// <summary>The GP interpolant of the given parameters (grid coefficients C⁻¹ vec U and the kernels).</summary>
    public GpHmInterpolant CreateInterpolant(ReadOnlySpan<double> parameters) => throw new NotImplementedException();
}
