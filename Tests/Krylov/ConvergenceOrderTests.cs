using NUnit.Framework;
using Solvers.IO;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Pde;
using Solvers.Preconditioners;

namespace Solvers.Tests.Krylov;

/// <summary>
/// CG on manufactured solutions: the error against the exact solution must fall at the discretisation's second order,
/// which only happens when the solver's answer is accurate to well below the discretisation error.
/// </summary>
[TestFixture]
public class ConvergenceOrderTests
{
    private static double CgNodalError(LinearProblem p, bool jacobi)
    {
        JacobiPreconditioner? pc = null;
        if (jacobi)
        {
            pc = new JacobiPreconditioner();
            pc.Setup(p.A);
        }

        var b = p.GetRightHandSide(0);
        var (x, result) = ConjugateGradient.Solve(p.A, b, new SolverOptions { RelativeTolerance = 1e-12, MaxIterations = 20 * p.A.Rows }, pc);
        Assert.That(result.Converged, Is.True, $"{p.Name}: {result.Reason}");
        var exact = p.GetExactSolution(0)!;
        double e = 0;
        for (int i = 0; i < x.Length; i++) e = Math.Max(e, Math.Abs(x[i] - exact[i]));
        return e;
    }

    // Tolerance: observed order log2(e_h / e_{h/2}) of the max-norm nodal error within 2 ± 0.1 (n = 31 → 63).
    [TestCase(false)]
    [TestCase(true)]
    public void VariableCoefficientDiffusion_MatrixFree_ObservedOrderTwo(bool jacobi)
    {
        double e1 = CgNodalError(PoissonProblems.Diffusion2D(31, 10, 1, matrixFree: true), jacobi);
        double e2 = CgNodalError(PoissonProblems.Diffusion2D(63, 10, 1, matrixFree: true), jacobi);
        double order = Math.Log2(e1 / e2);
        TestContext.Out.WriteLine($"errors {e1:E3} → {e2:E3}, order {order:F3}");
        Assert.That(order, Is.EqualTo(2).Within(0.1));
    }

    // Tolerance: observed order within 2 ± 0.1 (n = 31 → 63) on the 5-point Laplacian, stencil and CSR alike.
    [TestCase(true)]
    [TestCase(false)]
    public void Poisson2D_ObservedOrderTwo(bool matrixFree)
    {
        double e1 = CgNodalError(PoissonProblems.Poisson2D(31, matrixFree), jacobi: false);
        double e2 = CgNodalError(PoissonProblems.Poisson2D(63, matrixFree), jacobi: false);
        Assert.That(Math.Log2(e1 / e2), Is.EqualTo(2).Within(0.1));
    }
}
