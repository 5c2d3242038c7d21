using System.Globalization;
using Solvers.Operators;

namespace Solvers.SparseRecovery;

/// <summary>Entry checks shared by the single-dictionary SBL solvers (spec §3.2).</summary>
internal static class SparseRecoveryChecks
{
    /// <summary>Validates the options (re-thrown naming <c>options</c>), Φ's shape, y's length and y's finiteness.</summary>
    public static void RequireDictionaryProblem(ILinearOperator phi, ReadOnlySpan<double> y, SparseBayesianOptions options)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
        if (phi.Rows < 1 || phi.Columns < 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Φ is {phi.Rows}×{phi.Columns}; it needs at least one row and one column."), nameof(phi));
        if (y.Length != phi.Rows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"y has length {y.Length} but Φ has {phi.Rows} rows."), nameof(y));
        VectorChecks.RequireFinite(y, nameof(y));
        if (phi is DenseOperator dense) RequireFiniteNonzeroColumns(dense, "Φ", nameof(phi));
    }

    /// <summary>
    /// Refuses a non-finite entry or an all-zero column of a stored dictionary or Kronecker factor (spec §3.2; issue 7's bad
    /// input). A zero column's coefficient is unidentifiable: its γ never moves off its prior and SBL would report it as
    /// "kept" forever. For a Kronecker factor every dictionary column built from it would be zero.
    /// </summary>
    /// <exception cref="ArgumentException">Naming the entry (row, column) or the column.</exception>
    public static void RequireFiniteNonzeroColumns(DenseOperator a, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(a);
        int rows = a.Rows, cols = a.Columns;
        ReadOnlySpan<double> data = a.Data;
        Span<bool> nonzero = cols <= 1024 ? stackalloc bool[cols] : new bool[cols];
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = data.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++)
            {
                double v = row[j];
                if (!double.IsFinite(v))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{what} has a non-finite entry {v} at ({i}, {j})."), paramName);
                if (v != 0) nonzero[j] = true;
            }
        }
        for (int j = 0; j < cols; j++)
            if (!nonzero[j])
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Column {j} of {what} is all zero: its coefficient is not identifiable. Remove the column (or the atom) first."), paramName);
    }
}
