namespace Solvers.Krylov;

/// <summary>
/// The vectors of one conjugate-gradient solve of size <see cref="N"/>: residual r, preconditioned residual z,
/// search direction p, q = A p and a scratch vector for true residuals and the symmetry test. They are allocated
/// once, here; <see cref="ConjugateGradient.Solve(ILinearOperator, ReadOnlySpan{double}, Span{double}, SolverOptions?, IPreconditioner?, SolverHooks)"/>
/// reuses them and allocates nothing.
/// </summary>
/// <remarks>A workspace serves one solve at a time; it is not safe to share between threads solving concurrently.</remarks>
public sealed class ConjugateGradientWorkspace
{
    /// <summary>Allocates the vectors for systems with <paramref name="n"/> unknowns.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public ConjugateGradientWorkspace(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        N = n;
        R = new double[n];
        Z = new double[n];
        P = new double[n];
        Q = new double[n];
        Scratch = new double[n];
    }

    /// <summary>The number of unknowns the workspace was built for.</summary>
    public int N { get; }

    internal double[] R { get; }

    internal double[] Z { get; }

    internal double[] P { get; }

    internal double[] Q { get; }

    internal double[] Scratch { get; }
}
