namespace Solvers.Operators;

/// <summary>How the factors of a <see cref="KroneckerOperator"/> are combined (PS §4.6 attribute <c>combine</c>).</summary>
public enum KroneckerCombine
{
    /// <summary>A = F₀ ⊗ F₁ ⊗ … ⊗ F_{k−1}.</summary>
    Product,

    /// <summary>Kronecker sum A = Σᵢ I ⊗ … ⊗ Fᵢ ⊗ … ⊗ I (square factors).</summary>
    Sum,
}
