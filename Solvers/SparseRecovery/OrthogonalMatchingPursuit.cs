using System.Diagnostics;
using System.Globalization;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>Options of <see cref="OrthogonalMatchingPursuit"/>.</summary>
public sealed record OrthogonalMatchingPursuitOptions
{
    /// <summary>The default options.</summary>
    public static OrthogonalMatchingPursuitOptions Default { get; } = new();

    /// <summary>The most nonzeros (≥ 1); 0 ⇒ min(M, N) (a project choice: no more columns than rows can be fitted uniquely).</summary>
    public int MaxNonzeros { get; init; }

    /// <summary>ε: stop when ‖r‖/‖y‖ ≤ ε. Default 10⁻², as for <see cref="KroneckerOmpOptions"/>.</summary>
    public double RelativeResidualTolerance { get; init; } = 1e-2;

    /// <summary>Wall-clock limit, checked once per step; none when null.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Record one <see cref="SparseRecoveryHistoryEntry"/> per step.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Log a progress line every this many steps; 0 = never.</summary>
    public int LogEvery { get; init; }
}

/// <summary>
/// Plain orthogonal matching pursuit on a dense dictionary Φ (row-major M×N): the one-factor case of <see cref="KroneckerOmp"/>,
/// with the same pass, stopping order, outcome codes and least-squares fit (the pseudo-inverse of Φ[:, I] by the backend SVD).
/// Columns are not normalised. <see cref="SparseRecoveryResult.ModeSupports"/> is null.
/// </summary>
public static class OrthogonalMatchingPursuit
{
    /// <summary>Runs OMP on y = Φx.</summary>
    /// <param name="phi">Φ, M×N.</param>
    /// <param name="y">The data, length M; never modified.</param>
    /// <param name="options">Sparsity cap and ε; <see cref="OrthogonalMatchingPursuitOptions.Default"/> when null.</param>
    /// <param name="hooks">Logger, progress (once per step) and cancellation (once per step).</param>
    /// <returns>The recovery; numerical outcomes are reasons, never exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="phi"/> is null.</exception>
    /// <exception cref="ArgumentException">y of length ≠ M, a non-finite y entry, a negative MaxNonzeros, or a negative or NaN ε.</exception>
    public static SparseRecoveryResult Solve(DenseOperator phi, ReadOnlySpan<double> y,
        OrthogonalMatchingPursuitOptions? options = null, SolverHooks hooks = default)
    {
        long start = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(phi);
        options ??= OrthogonalMatchingPursuitOptions.Default;
        var a = KroneckerOmp.CheckFactors([phi], y, nameof(phi));
        if (options.MaxNonzeros < 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"MaxNonzeros = {options.MaxNonzeros}; it must be at least 1 (or 0 for min(M, N))."), nameof(options));
        KroneckerOmp.CheckCommonOptions(options.RelativeResidualTolerance, options.LogEvery, options.TimeLimit, nameof(options));
        int s = options.MaxNonzeros > 0 ? Math.Min(options.MaxNonzeros, phi.Columns) : Math.Min(phi.Rows, phi.Columns);
        return KroneckerOmp.Run("OMP", a, [s], y, options.RelativeResidualTolerance, options.TimeLimit,
            options.RecordHistory, options.LogEvery, hooks, start, reportModes: false);
    }
}
