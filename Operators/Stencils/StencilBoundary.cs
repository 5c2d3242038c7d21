namespace Solvers.Operators;

/// <summary>What a stencil does with a neighbour that falls outside the grid along one axis (PS §4.7).</summary>
public enum StencilBoundary
{
    /// <summary>Homogeneous Dirichlet: the term is dropped (boundary data must already be folded into b).</summary>
    Dirichlet,

    /// <summary>Neumann: the index is clamped into the grid (the ghost value equals the boundary value).</summary>
    Neumann,

    /// <summary>Periodic: the index wraps modulo the axis length.</summary>
    Periodic,
}
