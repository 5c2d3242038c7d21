using System.Globalization;
using Solvers.Operators;

namespace Solvers.IO.Hdf5;

/// <summary>Symmetry declared by an operator group (PS §4.1).</summary>
internal enum StoredSymmetry
{
    General,
    Symmetric,
    SkewSymmetric,
}

/// <summary>Which triangle an operator group stores (PS §4.8).</summary>
internal enum StoredTriangle
{
    Full,
    Lower,
    Upper,
}

/// <summary>Opt-in repairs of REL §7.1 rule 7.</summary>
internal readonly record struct SparseRepairs(bool SortIndices, bool SumDuplicates, bool AllowNonFinite);

/// <summary>
/// Structural validation of compressed sparse arrays (REL §7.1), the repairs, CSC → CSR conversion, symmetric
/// expansion (PS §4.8) and the non-finite scan (REL §8). Every failure names the first offending position.
/// </summary>
internal static class SparseAssembly
{
    private const string RepairHint = "; pass SortIndices / SumDuplicates (--sort-indices, --sum-duplicates) to repair";

    /// <summary>Checks indptr (rules 3–5) right after it is read, before indices and data are allocated.</summary>
    public static int[] CheckPointers(H5Access h, string path, long[] indptr, long major, long nnzDeclared, bool csc)
    {
        string unit = csc ? "column" : "row";
        if (indptr.LongLength != major + 1)
            throw h.Error(path, ProblemFileError.InvalidSparseStructure, $"has {indptr.LongLength} entries, expected {major + 1} ({unit}s + 1)");
        long last = indptr[major];
        if (last > int.MaxValue)
            throw h.Error(path, ProblemFileError.LimitExceeded,
                $"declares {last} stored entries (indptr[{major}]); more than the 2^31 − 1 a CSR matrix of the suite can hold");
        if (indptr[0] != 0)
            throw h.Error(path, ProblemFileError.InvalidSparseStructure, $"indptr[0] = {indptr[0]}, must be 0");
        for (long i = 0; i < major; i++)
        {
            if (indptr[i + 1] < indptr[i])
                throw h.Error(path, ProblemFileError.InvalidSparseStructure,
                    $"not non-decreasing at {unit} {i} ({indptr[i]} > {indptr[i + 1]})");
        }

        if (last != nnzDeclared)
            throw h.Error(path, ProblemFileError.InvalidSparseStructure,
                $"indptr[{major}] = {last}, but indices and data have {nnzDeclared} entries");
        var r = new int[indptr.Length];
        for (long i = 0; i < indptr.LongLength; i++) r[i] = (int)indptr[i];
        return r;
    }

    /// <summary>
    /// Checks indices (rules 6–7) of a compressed matrix in its stored orientation, applying the opt-in repairs.
    /// Returns the (possibly repaired) arrays.
    /// </summary>
    public static (int[] Ptr, int[] Idx, double[] Val, bool Changed) CheckIndices(H5Access h, string groupPath, int[] ptr, int[] idx, double[] val,
        long minor, bool csc, SparseRepairs repairs)
    {
        string majorUnit = csc ? "column" : "row";
        string minorUnit = csc ? "row" : "column";
        string idxPath = H5Access.Join(groupPath, "indices");
        int major = ptr.Length - 1;
        bool unsorted = false;
        long firstDupMajor = -1, firstDupPos = -1;
        for (int i = 0; i < major; i++)
        {
            int prev = -1;
            for (int p = ptr[i]; p < ptr[i + 1]; p++)
            {
                int c = idx[p];
                if (c < 0 || c >= minor)
                    throw h.Error(idxPath, ProblemFileError.InvalidSparseStructure,
                        $"{minorUnit} index {c} at {majorUnit} {i} (position {p}) is outside [0, {minor})");
                if (c < prev)
                {
                    if (!repairs.SortIndices)
                        throw h.Error(idxPath, ProblemFileError.InvalidSparseStructure,
                            $"{minorUnit} indices of {majorUnit} {i} are not sorted (position {p}: {c} after {prev}){RepairHint}");
                    unsorted = true;
                }
                else if (c == prev && firstDupPos < 0)
                {
                    firstDupMajor = i;
                    firstDupPos = p;
                }

                prev = c;
            }
        }

        int sortedRows = 0;
        if (unsorted)
        {
            for (int i = 0; i < major; i++)
            {
                int lo = ptr[i], len = ptr[i + 1] - lo;
                bool rowSorted = true;
                for (int p = lo + 1; p < lo + len; p++)
                {
                    if (idx[p] < idx[p - 1]) { rowSorted = false; break; }
                }

                if (rowSorted) continue;
                Array.Sort(idx, val, lo, len);
                sortedRows++;
            }

            h.Warn($"{groupPath}: sorted the indices of {sortedRows} {majorUnit}(s) (SortIndices)");
            firstDupPos = -1;
            for (int i = 0; i < major && firstDupPos < 0; i++)
            {
                for (int p = ptr[i] + 1; p < ptr[i + 1]; p++)
                {
                    if (idx[p] == idx[p - 1]) { firstDupMajor = i; firstDupPos = p; break; }
                }
            }
        }

        if (firstDupPos < 0) return (ptr, idx, val, unsorted);
        if (!repairs.SumDuplicates)
        {
            long r = csc ? idx[firstDupPos] : firstDupMajor, c = csc ? firstDupMajor : idx[firstDupPos];
            throw h.Error(idxPath, ProblemFileError.InvalidSparseStructure,
                $"duplicate entry ({r}, {c}) at position {firstDupPos}{RepairHint}");
        }

        var newPtr = new int[ptr.Length];
        int w = 0, summed = 0;
        for (int i = 0; i < major; i++)
        {
            int start = w;
            for (int p = ptr[i]; p < ptr[i + 1]; p++)
            {
                if (w > start && idx[w - 1] == idx[p])
                {
                    val[w - 1] += val[p];
                    summed++;
                }
                else
                {
                    idx[w] = idx[p];
                    val[w] = val[p];
                    w++;
                }
            }

            newPtr[i + 1] = w;
        }

        Array.Resize(ref idx, w);
        Array.Resize(ref val, w);
        h.Warn($"{groupPath}: summed {summed} duplicate entries (SumDuplicates)");
        return (newPtr, idx, val, true);
    }

    /// <summary>Transposes compressed arrays (CSC → CSR). Returns the CSR arrays.</summary>
    public static (int[] Ptr, int[] Idx, double[] Val) Transpose(int[] ptr, int[] idx, double[] val, int minor)
    {
        int major = ptr.Length - 1;
        int nnz = idx.Length;
        var rp = new int[minor + 1];
        foreach (int r in idx) rp[r + 1]++;
        for (int i = 0; i < minor; i++) rp[i + 1] += rp[i];
        var next = rp.AsSpan(0, minor).ToArray();
        var ci = new int[nnz];
        var v = new double[nnz];
        for (int j = 0; j < major; j++)
        {
            for (int p = ptr[j]; p < ptr[j + 1]; p++)
            {
                int q = next[idx[p]]++;
                ci[q] = j;
                v[q] = val[p];
            }
        }

        return (rp, ci, v);
    }

    /// <summary>Checks the stored triangle (rule 8) of a CSR matrix and expands it to the full matrix.</summary>
    public static CsrMatrix ExpandTriangle(H5Access h, string groupPath, CsrMatrix stored, StoredSymmetry symmetry, StoredTriangle triangle)
    {
        if (symmetry == StoredSymmetry.General) return stored;
        var rp = stored.RowPointers;
        var ci = stored.ColumnIndices;
        var v = stored.Values;
        bool skew = symmetry == StoredSymmetry.SkewSymmetric;
        int extra = 0;
        for (int i = 0; i < stored.Rows; i++)
        {
            for (int p = rp[i]; p < rp[i + 1]; p++)
            {
                int j = ci[p];
                bool bad = triangle switch
                {
                    StoredTriangle.Lower => j > i,
                    StoredTriangle.Upper => j < i,
                    _ => false,
                };
                if (bad)
                    throw h.Error(groupPath, ProblemFileError.InvalidSparseStructure,
                        $"entry ({i}, {j}) at position {p} lies outside the declared {triangle.ToString().ToLowerInvariant()} triangle");
                if (skew && i == j)
                    throw h.Error(groupPath, ProblemFileError.InvalidSparseStructure,
                        $"skew-symmetric storage has a diagonal entry ({i}, {i}) at position {p}");
                if (i != j) extra++;
            }
        }

        if (triangle == StoredTriangle.Full) return stored;
        long total = (long)stored.NonZeroCount + extra;
        if (total > int.MaxValue)
            throw h.Error(groupPath, ProblemFileError.LimitExceeded, $"the expanded matrix would hold {total} entries");
        h.Reserve(total * 20, groupPath);
        var rows = new int[total];
        var cols = new int[total];
        var vals = new double[total];
        int w = 0;
        for (int i = 0; i < stored.Rows; i++)
        {
            for (int p = rp[i]; p < rp[i + 1]; p++)
            {
                int j = ci[p];
                rows[w] = i; cols[w] = j; vals[w] = v[p]; w++;
                if (i != j)
                {
                    rows[w] = j; cols[w] = i; vals[w] = skew ? -v[p] : v[p]; w++;
                }
            }
        }

        return CsrMatrix.FromCoordinates(stored.Rows, stored.Columns, rows, cols, vals, sumDuplicates: false, out _,
            skew ? OperatorProperties.None : OperatorProperties.Symmetric);
    }

    /// <summary>
    /// Scans values for NaN/±Inf (REL §8). <paramref name="describe"/> turns a flat position into text such as "(3, 4)".
    /// </summary>
    public static void ScanFinite(H5Access h, string path, ReadOnlySpan<double> values, bool allow, Func<long, string> describe)
    {
        int first = -1, count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                if (first < 0) first = i;
                count++;
            }
        }

        if (count == 0) return;
        string value = values[first].ToString(CultureInfo.InvariantCulture);
        string text = $"{count} non-finite value(s); first at {describe(first)}: {value}";
        if (allow)
        {
            h.Warn($"{path}: {text} (AllowNonFinite)");
            return;
        }

        throw h.Error(path, ProblemFileError.NonFiniteValue, text);
    }

    /// <summary>"(row, col)" of CSR position <paramref name="p"/>.</summary>
    public static string CsrPosition(ReadOnlySpan<int> rp, ReadOnlySpan<int> ci, long p, bool csc = false)
    {
        int lo = 0, hi = rp.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (rp[mid] <= p) lo = mid; else hi = mid - 1;
        }

        long a = lo, b = ci[(int)p];
        return csc
            ? string.Create(CultureInfo.InvariantCulture, $"(row {b}, column {a}) (position {p})")
            : string.Create(CultureInfo.InvariantCulture, $"(row {a}, column {b}) (position {p})");
    }

    /// <summary>"index i" or "(i, j)" of a flat C-order position in an array of the given shape.</summary>
    public static string FlatPosition(long p, long[] dims)
    {
        if (dims.Length <= 1) return string.Create(CultureInfo.InvariantCulture, $"index {p}");
        var idx = new long[dims.Length];
        long rest = p;
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            long d = Math.Max(dims[a], 1);
            idx[a] = rest % d;
            rest /= d;
        }

        return "(" + string.Join(", ", idx.Select(x => x.ToString(CultureInfo.InvariantCulture))) + ")";
    }
}
