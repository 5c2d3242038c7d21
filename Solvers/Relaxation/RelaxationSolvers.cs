using Solvers.Krylov;
using Solvers.Preconditioners;

namespace Solvers.Relaxation;

/// <summary>The built-in <see cref="IParameterizedSolver"/>s: SOR with ω, and CG with an SSOR(ω) preconditioner.</summary>
public static class RelaxationSolvers
{
    /// <summary>Creates the inner solver of <paramref name="method"/>.</summary>
    public static IParameterizedSolver Create(RelaxationMethod method) => method switch
    {
        RelaxationMethod.Sor => new SorSolver(),
        RelaxationMethod.SsorPcg => new SsorPcgSolver(),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown relaxation method."),
    };

    /// <summary>SuccessiveOverRelaxation with ω set on one solver instance (no allocation per round).</summary>
    public sealed class SorSolver : IParameterizedSolver
    {
        private readonly SuccessiveOverRelaxation _sor = new();

        /// <inheritdoc/>
        public string Name => "sor";

        /// <inheritdoc/>
        public SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double parameter, SolverOptions options, SolverHooks hooks)
        {
            _sor.Omega = parameter;
            return _sor.Solve(a, b, x, options, null, hooks);
        }
    }

    /// <summary>
    /// ConjugateGradient with one SsorPreconditioner whose ω is set per round. The preconditioner is set up for every
    /// instance (the matrix changes from round to round); CG keeps its workspace across rounds of one size.
    /// CG's stopping test is relative to ‖b‖ (the reference's pcg), which matters for warm starts.
    /// </summary>
    public sealed class SsorPcgSolver : IParameterizedSolver
    {
        private readonly ConjugateGradient _cg = new();
        private readonly SsorPreconditioner _ssor = new(1.0);

        /// <inheritdoc/>
        public string Name => "cg-ssor";

        /// <inheritdoc/>
        public SolverResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double parameter, SolverOptions options, SolverHooks hooks)
        {
            _ssor.Omega = parameter;
            _ssor.Setup(a);
            return _cg.Solve(a, b, x, options, _ssor, hooks);
        }
    }
}
