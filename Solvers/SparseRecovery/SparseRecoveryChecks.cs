using System.Globalization;

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
    }
}
