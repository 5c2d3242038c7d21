using Solvers.Sampling;
using Solvers.SparseRecovery;

namespace Solvers.Tests.SparseRecovery;

/// <summary>Small data helpers shared by the Kronecker SBL test fixtures.</summary>
internal static class SparseRecoveryTestData
{
    /// <summary>n entries 0.2 + |N(0, 1)| (bounded away from zero, so no factor entry is pruned by accident).</summary>
    public static double[] Positive(int n, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 0.2 + Math.Abs(rng.NextNormal());
        return v;
    }

    /// <summary>v₁ ⊗ v₂ ⊗ … in C order (the library's expansion).</summary>
    public static double[] Kron(params double[][] vectors)
    {
        long n = 1;
        foreach (var v in vectors) n *= v.Length;
        var full = new double[n];
        KroneckerSbl.Expand(vectors, full);
        return full;
    }
}
