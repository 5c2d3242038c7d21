using Solvers.IO;
using Solvers.IO.Text;

namespace Solvers.Tests.IO.Text;

/// <summary>
/// One generated Matrix Market file of the REL §11.3 corpus and what reading it must give: either an exact
/// <see cref="ProblemFileError"/> (and line), or the shape, the dense matrix (or vector) and the warning count.
/// </summary>
public sealed record MmCase(string Name, string Text)
{
    public TextImportOptions? Options { get; init; }
    public ProblemFileError? Error { get; init; }
    public long? Line { get; init; }
    public string? MessageContains { get; init; }
    public int Rows { get; init; }
    public int Columns { get; init; }
    public double[,]? Dense { get; init; }
    public double[]? RowSums { get; init; }
    public double[]? Vector { get; init; }
    public int? Warnings { get; init; }
    public int? Duplicates { get; init; }
    public int? ExplicitZeros { get; init; }
    public int? StoredEntries { get; init; }

    public override string ToString() => Name;
}

/// <summary>The Matrix Market corpus of REL §11.3 as a case table.</summary>
internal static class MatrixMarketCorpus
{
    private const string Banner = "%%MatrixMarket matrix coordinate real general\n";

    // 3×3 general: A·1 = [1.75, -2, 4].
    private const string GeneralBody = "3 3 4\n1 1 1.5\n2 2 -2\n3 1 4\n1 3 0.25\n";
    private static readonly double[] GeneralRowSums = [1.75, -2, 4];

    private static MmCase Ok(string name, string text, int rows, int cols, int warnings, TextImportOptions? options = null) =>
        new(name, text) { Rows = rows, Columns = cols, Warnings = warnings, Options = options };

    private static MmCase Bad(string name, string text, ProblemFileError error, long? line, string? contains = null, TextImportOptions? options = null) =>
        new(name, text) { Error = error, Line = line, MessageContains = contains, Options = options };

    public static IEnumerable<MmCase> All() =>
        Banners().Concat(Combinations()).Concat(SymmetricStorage()).Concat(Values()).Concat(IndicesAndSizes())
            .Concat(Counts()).Concat(Layout()).Concat(DuplicatesAndZeros()).Concat(Vectors()).Concat(Tolerant());

    private static IEnumerable<MmCase> Banners()
    {
        yield return Bad("Banner_MisspelledPrefixWithSpace", "%%Matrix Market matrix coordinate real general\n" + GeneralBody, ProblemFileError.Malformed, 1, "banner");
        yield return Bad("Banner_BadPrefix", "%%__BadBanner matrix coordinate real general\n" + GeneralBody, ProblemFileError.Malformed, 1, "banner");
        yield return Bad("Banner_UnknownObject", "%%MatrixMarket tensor coordinate real general\n" + GeneralBody, ProblemFileError.SchemaViolation, 1, "tensor");
        yield return Bad("Banner_UnknownFormat", "%%MatrixMarket matrix sparse real general\n" + GeneralBody, ProblemFileError.SchemaViolation, 1, "sparse");
        yield return Bad("Banner_UnknownField", "%%MatrixMarket matrix coordinate reel general\n" + GeneralBody, ProblemFileError.SchemaViolation, 1, "reel");
        yield return Bad("Banner_UnknownSymmetry", "%%MatrixMarket matrix coordinate real symmetrical\n" + GeneralBody, ProblemFileError.SchemaViolation, 1, "symmetrical");
        yield return Bad("Banner_TooFewTokens", "%%MatrixMarket matrix coordinate real\n" + GeneralBody, ProblemFileError.Malformed, 1, "tokens");
        yield return Bad("Banner_TooManyTokens", "%%MatrixMarket matrix coordinate real general extra\n" + GeneralBody, ProblemFileError.Malformed, 1, "tokens");
        yield return Ok("Banner_MixedCase", "%%matrixmarket Matrix Coordinate REAL General\n" + GeneralBody, 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Banner_OnePercent", "%MatrixMarket matrix coordinate real general\n" + GeneralBody, 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Banner_LeadingSpaces", "   %%MatrixMarket matrix coordinate real general\n" + GeneralBody, 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Banner_ByteOrderMark", "\uFEFF" + Banner + GeneralBody, 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Banner_BlankLinesBefore", "\n\n" + Banner + GeneralBody, 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Bad("Banner_MixedCaseNotPermissive", "%%matrixmarket Matrix Coordinate REAL General\n" + GeneralBody, ProblemFileError.Malformed, 1,
            "permissive", new TextImportOptions { Permissive = false });
        yield return Bad("Banner_OnePercentNotPermissive", "%MatrixMarket matrix coordinate real general\n" + GeneralBody, ProblemFileError.Malformed, 1,
            "permissive", new TextImportOptions { Permissive = false });
        yield return Bad("Banner_EmptyFile", "", ProblemFileError.Malformed, 1, "empty");
    }

    /// <summary>Every object × format × field × symmetry, valid and invalid. Valid 2×2 matrices all read as one of three dense matrices.</summary>
    private static IEnumerable<MmCase> Combinations()
    {
        double[,] general = { { 1, 3 }, { 2, 0 } };
        double[,] symmetric = { { 1, 2 }, { 2, 4 } };
        double[,] skew = { { 0, -2 }, { 2, 0 } };
        double[,] patternGeneral = { { 1, 1 }, { 1, 0 } };
        double[,] patternSymmetric = { { 1, 1 }, { 1, 1 } };
        string[] fields = ["real", "double", "integer", "unsigned-integer", "pattern", "complex"];
        string[] symmetries = ["general", "symmetric", "skew-symmetric", "hermitian"];
        foreach (string format in new[] { "coordinate", "array" })
        {
            foreach (string field in fields)
            {
                foreach (string sym in symmetries)
                {
                    string name = $"Combination_matrix_{format}_{field}_{sym}";
                    string banner = $"%%MatrixMarket matrix {format} {field} {sym}\n";
                    bool pattern = field == "pattern";
                    if (pattern && (format == "array" || sym is "skew-symmetric" or "hermitian"))
                    {
                        yield return Bad(name, banner + "2 2 1\n1 1\n", ProblemFileError.SchemaViolation, 1, "invalid banner");
                        continue;
                    }

                    if (field == "complex")
                    {
                        yield return Bad(name, banner + "2 2 1\n1 1 1 0\n", ProblemFileError.UnsupportedFeature, 1, "complex");
                        continue;
                    }

                    string body = (format, sym, pattern) switch
                    {
                        ("coordinate", "general", false) => "2 2 3\n1 1 1\n2 1 2\n1 2 3\n",
                        ("coordinate", "general", true) => "2 2 3\n1 1\n2 1\n1 2\n",
                        ("coordinate", "symmetric", true) => "2 2 3\n1 1\n2 1\n2 2\n",
                        ("coordinate", "skew-symmetric", _) => "2 2 1\n2 1 2\n",
                        ("coordinate", _, _) => "2 2 3\n1 1 1\n2 1 2\n2 2 4\n",
                        ("array", "general", _) => "2 2\n1\n2\n3\n0\n",
                        ("array", "skew-symmetric", _) => "2 2\n2\n",
                        _ => "2 2\n1\n2\n4\n",
                    };
                    var expected = (sym, pattern) switch
                    {
                        ("general", false) => general,
                        ("general", true) => patternGeneral,
                        ("symmetric", true) => patternSymmetric,
                        ("skew-symmetric", _) => skew,
                        _ => symmetric,
                    };
                    int warnings = (field == "double" ? 1 : 0) + (sym == "hermitian" ? 1 : 0);
                    yield return Ok(name, banner + body, 2, 2, warnings) with { Dense = expected };
                }
            }
        }

        foreach (string format in new[] { "coordinate", "array" })
        {
            foreach (string field in fields)
            {
                foreach (string sym in symmetries)
                {
                    string name = $"Combination_vector_{format}_{field}_{sym}";
                    string banner = $"%%MatrixMarket vector {format} {field} {sym}\n";
                    bool pattern = field == "pattern";
                    if (sym != "general" || (pattern && format == "array"))
                    {
                        yield return Bad(name, banner + "3 1\n1 1\n", ProblemFileError.SchemaViolation, 1, "invalid banner");
                        continue;
                    }

                    if (field == "complex")
                    {
                        yield return Bad(name, banner + "3 1\n1 1 0\n", ProblemFileError.UnsupportedFeature, 1, "complex");
                        continue;
                    }

                    string body = format == "array" ? "3\n5\n0\n7\n" : pattern ? "3 2\n1\n3\n" : "3 2\n1 5\n3 7\n";
                    double[] expected = pattern ? [1, 0, 1] : [5, 0, 7];
                    yield return Ok(name, banner + body, 3, 1, field == "double" ? 1 : 0) with { Vector = expected };
                }
            }
        }
    }

    private static IEnumerable<MmCase> SymmetricStorage()
    {
        const string sym = "%%MatrixMarket matrix coordinate real symmetric\n";
        const string skw = "%%MatrixMarket matrix coordinate real skew-symmetric\n";
        yield return Bad("Symmetric_UpperTriangleEntry", sym + "3 3 3\n1 1 1\n2 1 2\n1 3 5\n", ProblemFileError.Malformed, 5, "above the diagonal");
        yield return Bad("Skew_UpperTriangleEntry", skw + "3 3 2\n2 1 1\n2 3 1\n", ProblemFileError.Malformed, 4, "above the diagonal");
        yield return Bad("Skew_DiagonalEntry", skw + "3 3 2\n2 1 1\n3 3 1\n", ProblemFileError.Malformed, 4, "diagonal");
        yield return Bad("Symmetric_NotSquare", sym + "3 2 1\n1 1 1\n", ProblemFileError.Malformed, 2, "square");
        yield return Ok("Symmetric_Coordinate3x3", sym + "3 3 5\n1 1 2\n2 1 -1\n2 2 2\n3 2 -1\n3 3 2\n", 3, 3, 0) with { RowSums = [1, 0, 1], StoredEntries = 7 };
        yield return Ok("Skew_Coordinate3x3", skw + "3 3 2\n2 1 1.5\n3 1 -2\n", 3, 3, 0) with { Dense = new double[,] { { 0, -1.5, 2 }, { 1.5, 0, 0 }, { -2, 0, 0 } } };
        const string asym = "%%MatrixMarket matrix array real symmetric\n";
        const string askew = "%%MatrixMarket matrix array real skew-symmetric\n";
        const string aherm = "%%MatrixMarket matrix array real hermitian\n";
        yield return Ok("ArraySymmetric_3x3RightCount", asym + "3 3\n1\n2\n3\n4\n5\n6\n", 3, 3, 0) with
        {
            Dense = new double[,] { { 1, 2, 3 }, { 2, 4, 5 }, { 3, 5, 6 } },
        };
        yield return Bad("ArraySymmetric_TooManyValues", asym + "2 2\n1\n2\n3\n4\n", ProblemFileError.Malformed, 6, "too long");
        yield return Bad("ArraySymmetric_TooFewValues", asym + "2 2\n1\n2\n", ProblemFileError.Malformed, null, "truncated");
        yield return Ok("ArraySkew_3x3RightCount", askew + "3 3\n1\n2\n3\n", 3, 3, 0) with
        {
            Dense = new double[,] { { 0, -1, -2 }, { 1, 0, -3 }, { 2, 3, 0 } },
        };
        yield return Bad("ArraySkew_TooManyValues", askew + "3 3\n1\n2\n3\n4\n", ProblemFileError.Malformed, 6, "too long");
        yield return Bad("ArraySkew_TooFewValues", askew + "3 3\n1\n2\n", ProblemFileError.Malformed, null, "truncated");
        yield return Ok("ArrayHermitianReal_RightCount", aherm + "2 2\n1\n2\n4\n", 2, 2, 1) with { Dense = new double[,] { { 1, 2 }, { 2, 4 } } };
        yield return Bad("ArrayHermitianReal_TooManyValues", aherm + "2 2\n1\n2\n4\n8\n", ProblemFileError.Malformed, 6, "too long");
        yield return Bad("ArraySymmetric_NotSquare", asym + "2 3\n1\n2\n3\n", ProblemFileError.Malformed, 2, "square");
    }

    private static IEnumerable<MmCase> Values()
    {
        yield return Bad("Value_NonNumeric", Banner + "2 2 1\n1 1 abc\n", ProblemFileError.Malformed, 3, "not a number");
        yield return Bad("Value_MissingColumn", Banner + "2 2 2\n1 1 1\n2 2\n", ProblemFileError.Malformed, 4, "missing value");
        yield return Bad("Value_ExtraColumn", Banner + "2 2 1\n1 1 1 2\n", ProblemFileError.Malformed, 3, "extra column");
        yield return Bad("Value_PatternWithValue", "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n", ProblemFileError.Malformed, 3, "extra column");
        yield return Bad("Value_NanToken", Banner + "2 2 2\n1 1 1\n2 2 nan\n", ProblemFileError.NonFiniteValue, 4, "nan");
        yield return Bad("Value_NaNUpperToken", Banner + "2 2 1\n1 1 NaN\n", ProblemFileError.NonFiniteValue, 3);
        yield return Bad("Value_InfToken", Banner + "2 2 1\n1 1 inf\n", ProblemFileError.NonFiniteValue, 3, "inf");
        yield return Bad("Value_MinusInfinityToken", Banner + "2 2 1\n1 1 -Infinity\n", ProblemFileError.NonFiniteValue, 3);
        yield return Bad("Value_Overflow1E310", Banner + "2 2 2\n1 1 1\n2 2 1E310\n", ProblemFileError.NonFiniteValue, 4, "1E310");
        yield return Bad("Value_Overflow1E9999", Banner + "2 2 1\n1 1 -1E9999\n", ProblemFileError.NonFiniteValue, 3, "1E9999");
        yield return Bad("Value_IntegerAbove2Pow53", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 9007199254740993\n", ProblemFileError.LimitExceeded, 3, "2^53");
        yield return Bad("Value_IntegerAboveInt64", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 99999999999999999999\n", ProblemFileError.LimitExceeded, 3, "2^53");
        yield return Ok("Value_IntegerExactly2Pow53", "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 -9007199254740992\n", 1, 1, 0) with
        {
            Dense = new double[,] { { -9007199254740992.0 } },
        };
        yield return Bad("Value_IntegerFieldWithDecimal", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", ProblemFileError.Malformed, 3, "not an integer");
        yield return Bad("Value_UnsignedNegative", "%%MatrixMarket matrix coordinate unsigned-integer general\n2 2 1\n1 1 -1\n", ProblemFileError.Malformed, 3, "negative");
        yield return Ok("Value_LeadingDotAndPlus", Banner + "2 2 4\n1 1 .5\n1 2 +2\n2 1 +.25\n2 2 -.5e1\n", 2, 2, 0) with
        {
            Dense = new double[,] { { 0.5, 2 }, { 0.25, -5 } },
        };
        yield return Bad("Value_DecimalComma", Banner + "2 2 1\n1 1 1,5\n", ProblemFileError.Malformed, 3);
        yield return Bad("Value_HexLiteral", Banner + "2 2 1\n1 1 0x10\n", ProblemFileError.Malformed, 3);
        yield return Bad("Value_FortranDExponent", Banner + "2 2 1\n1 1 1.0D+00\n", ProblemFileError.Malformed, 3);
        yield return Bad("Value_ComplexWithOneNumber", "%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1.0\n", ProblemFileError.UnsupportedFeature, 1, "complex");
    }

    private static IEnumerable<MmCase> IndicesAndSizes()
    {
        yield return Bad("Index_Zero", Banner + "2 2 1\n0 1 1\n", ProblemFileError.Malformed, 3, "below 1");
        yield return Bad("Index_Negative", Banner + "2 2 1\n1 -1 1\n", ProblemFileError.Malformed, 3, "below 1");
        yield return Bad("Index_RowAboveDimension", Banner + "2 2 2\n1 1 1\n3 1 1\n", ProblemFileError.Malformed, 4, "exceeds");
        yield return Bad("Index_ColumnAboveDimension", Banner + "2 3 1\n1 4 1\n", ProblemFileError.Malformed, 3, "exceeds");
        yield return Bad("Index_AboveInt64", Banner + "2 2 1\n19223372036854775808 1 1\n", ProblemFileError.Malformed, 3, "64-bit");
        yield return Bad("Index_NotInteger", Banner + "2 2 1\n1.0 1 1\n", ProblemFileError.Malformed, 3, "not an integer");
        yield return Bad("Size_NegativeRows", Banner + "-2 2 1\n1 1 1\n", ProblemFileError.Malformed, 2, "negative");
        yield return Bad("Size_NegativeColumns", Banner + "2 -2 1\n1 1 1\n", ProblemFileError.Malformed, 2, "negative");
        yield return Bad("Size_NegativeNnz", Banner + "2 2 -1\n", ProblemFileError.Malformed, 2, "negative");
        yield return Bad("Size_DimensionAboveInt64", Banner + "19223372036854775808 2 1\n1 1 1\n", ProblemFileError.Malformed, 2, "64-bit");
        yield return Bad("Size_Dimension2Pow31", Banner + "2147483648 2 1\n1 1 1\n", ProblemFileError.LimitExceeded, 2, "2^31");
        yield return Bad("Size_NnzAboveMN", Banner + "2 2 5\n1 1 1\n", ProblemFileError.Malformed, 2, "exceeds");
        yield return Bad("Size_NnzAboveSymmetricCapacity", "%%MatrixMarket matrix coordinate real symmetric\n2 2 4\n1 1 1\n", ProblemFileError.Malformed, 2, "n(n+1)/2");
        yield return Bad("Size_NnzAboveSkewCapacity", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 2\n2 1 1\n", ProblemFileError.Malformed, 2, "n(n-1)/2");
        yield return Bad("Size_Declared1E12OneEntry", Banner + "1000000 1000000 1000000000000\n1 1 1\n", ProblemFileError.Malformed, 3, "truncated");
        yield return Bad("Size_LineWrongTokenCount", Banner + "2 2\n1 1 1\n", ProblemFileError.Malformed, 2, "M N NNZ");
        yield return Bad("Size_MissingSizeLine", Banner + "% only comments\n", ProblemFileError.Malformed, 2, "no size line");
        yield return Ok("Size_EmptyMatrix", Banner + "0 0 0\n", 0, 0, 0) with { StoredEntries = 0 };
        yield return Ok("Size_NoEntries", Banner + "3 2 0\n", 3, 2, 0) with { RowSums = [0, 0, 0] };
    }

    private static IEnumerable<MmCase> Counts()
    {
        yield return Bad("Count_FewerThanDeclared", Banner + "3 3 4\n1 1 1\n2 2 1\n", ProblemFileError.Malformed, 4, "truncated");
        yield return Bad("Count_MoreThanDeclared", Banner + "3 3 1\n1 1 1\n2 2 1\n", ProblemFileError.Malformed, 4, "too long");
        yield return Ok("Count_TrailingBlankLines", Banner + GeneralBody + "\n\n   \n", 3, 3, 0) with { RowSums = GeneralRowSums };
        yield return Ok("Count_NoFinalNewline", Banner + GeneralBody.TrimEnd('\n'), 3, 3, 0) with { RowSums = GeneralRowSums };
        yield return Ok("Count_TrailingComment", Banner + GeneralBody + "% end\n", 3, 3, 1) with { RowSums = GeneralRowSums };
    }

    private static IEnumerable<MmCase> Layout()
    {
        yield return Ok("Layout_Crlf", (Banner + GeneralBody).Replace("\n", "\r\n", StringComparison.Ordinal), 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_Tabs", Banner + "3 3 4\n1\t1\t1.5\n2 2 -2\n3\t1 4\n1 3\t0.25\n", 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_RepeatedSpaces", Banner + "3 3 4\n1  1   1.5\n2 2 -2\n3 1 4\n1 3 0.25\n", 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_IndentedLines", Banner + "  3 3 4\n 1 1 1.5\n2 2 -2\n\t3 1 4\n1 3 0.25\n", 3, 3, 1) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_TrailingSpaces", Banner + "3 3 4  \n1 1 1.5 \n2 2 -2\n3 1 4\n1 3 0.25\t\n", 3, 3, 0) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_CommentsAndBlankLinesBeforeSizeLine", Banner + "% a comment\n\n%another\n   \n% x: y\n" + GeneralBody, 3, 3, 0) with { RowSums = GeneralRowSums };
        yield return Ok("Layout_BlankLinesBetweenEntries", Banner + "3 3 4\n1 1 1.5\n\n2 2 -2\n3 1 4\n\n1 3 0.25\n", 3, 3, 0) with { RowSums = GeneralRowSums };
        yield return Bad("Layout_TabsNotPermissive", Banner + "3 3 4\n1\t1 1.5\n2 2 -2\n3 1 4\n1 3 0.25\n", ProblemFileError.Malformed, 3, "permissive",
            new TextImportOptions { Permissive = false });
        yield return Bad("Layout_NulByte", Banner + "2 2 1\n1 1 1\0\n", ProblemFileError.Malformed, 3, "control character 0x00");
        yield return Bad("Layout_ControlCharacter", Banner + "2 2 1\n1 1\u0001 1\n", ProblemFileError.Malformed, 3, "control character");
        yield return Bad("Layout_BareCarriageReturns", "%%MatrixMarket matrix coordinate real general\r2 2 1\r1 1 1\r", ProblemFileError.Malformed, 1, "control character 0x0D");
        yield return Bad("Layout_LineAbove1MiB", Banner + "% " + new string('x', (1 << 20) + 10) + "\n" + GeneralBody, ProblemFileError.LimitExceeded, 2, "longer than");
    }

    private static IEnumerable<MmCase> DuplicatesAndZeros()
    {
        yield return Ok("Duplicates_GeneralSummed", Banner + "2 2 3\n1 1 1\n2 2 2\n1 1 0.5\n", 2, 2, 1) with
        {
            Dense = new double[,] { { 1.5, 0 }, { 0, 2 } },
            Duplicates = 1,
            StoredEntries = 2,
        };
        yield return Ok("Duplicates_SymmetricSummed", "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n2 1 1\n1 1 4\n2 1 2\n", 2, 2, 1) with
        {
            Dense = new double[,] { { 4, 3 }, { 3, 0 } },
            Duplicates = 1,
            StoredEntries = 3,
        };
        yield return Ok("ExplicitZeros_Kept", Banner + "2 2 3\n1 1 1\n1 2 0\n2 2 -0.0\n", 2, 2, 1) with
        {
            Dense = new double[,] { { 1, 0 }, { 0, 0 } },
            ExplicitZeros = 2,
            StoredEntries = 3,
        };
        yield return Ok("ExplicitZeros_Dropped", Banner + "2 2 3\n1 1 1\n1 2 0\n2 2 0\n", 2, 2, 1, new TextImportOptions { DropExplicitZeros = true }) with
        {
            Dense = new double[,] { { 1, 0 }, { 0, 0 } },
            ExplicitZeros = 2,
            StoredEntries = 1,
        };
        yield return Bad("Duplicates_SumOverflows", Banner + "2 1 2\n1 1 1.7e308\n1 1 1.7e308\n", ProblemFileError.NonFiniteValue, null, "overflow");
    }

    private static IEnumerable<MmCase> Vectors()
    {
        const string cv = "%%MatrixMarket vector coordinate real general\n";
        const string av = "%%MatrixMarket vector array real general\n";
        yield return Ok("Vector_CoordinateDuplicates", cv + "4 3\n2 1.5\n4 -1\n2 0.5\n", 4, 1, 1) with { Vector = [0, 2, 0, -1], Duplicates = 1 };
        yield return Bad("Vector_CoordinateIndexOutOfRange", cv + "4 1\n5 1\n", ProblemFileError.Malformed, 3, "exceeds");
        yield return Bad("Vector_CoordinateIndexZero", cv + "4 1\n0 1\n", ProblemFileError.Malformed, 3, "below 1");
        yield return Bad("Vector_CoordinateNnzAboveLength", cv + "2 3\n1 1\n2 1\n1 1\n", ProblemFileError.Malformed, 2, "exceeds");
        yield return Bad("Vector_CoordinateTooLong", cv + "4 1\n1 1\n2 2\n", ProblemFileError.Malformed, 4, "too long");
        yield return Bad("Vector_ArrayTruncated", av + "3\n1\n2\n", ProblemFileError.Malformed, null, "truncated");
        yield return Bad("Vector_ArrayTwoValuesOnALine", av + "2\n1 2\n", ProblemFileError.Malformed, 3, "one value per line");
        yield return Ok("Vector_MatrixArrayOneColumn", "%%MatrixMarket matrix array real general\n3 1\n1\n-2\n3.5\n", 3, 1, 0) with { Vector = [1, -2, 3.5] };
    }

    private static IEnumerable<MmCase> Tolerant()
    {
        const string sizeFirst = "% written without a banner\n3 3 4\n1 1 1.5\n2 2 -2\n3 1 4\n1 3 0.25\n";
        const string triplets = "1 1 1.5\n2 2 -2\n3 1 4\n1 3 0.25\n";
        const string zeroBased = "0 0 1.5\n1 1 -2\n2 0 4\n0 2 0.25\n";
        const string lowerOnly = "3 3 5\n1 1 2\n2 1 -1\n2 2 2\n3 2 -1\n3 3 2\n";
        yield return Bad("Tolerant_NoBannerWithoutFlag", sizeFirst, ProblemFileError.UnsupportedFormat, 1, "--mm-no-banner");
        yield return Ok("Tolerant_NoBannerWithFlag", sizeFirst, 3, 3, 0, new TextImportOptions { NoBanner = true, Symmetry = "general" }) with { RowSums = GeneralRowSums };
        yield return Ok("Tolerant_NoBannerUnknownSymmetryMixedTriangles", sizeFirst, 3, 3, 0, new TextImportOptions { NoBanner = true }) with { RowSums = GeneralRowSums };
        yield return Bad("Tolerant_NoBannerFlagOnTriplets", triplets, ProblemFileError.Malformed, 1, "not an integer", new TextImportOptions { NoBanner = true });
        yield return Bad("Tolerant_TripletsWithoutFlag", triplets, ProblemFileError.UnsupportedFormat, 1, "--triplets");
        yield return Ok("Tolerant_TripletsInferredSize", triplets, 3, 3, 1, new TextImportOptions { Triplets = true }) with { RowSums = GeneralRowSums };
        yield return Ok("Tolerant_TripletsGivenSize", triplets, 4, 5, 0, new TextImportOptions { Triplets = true, Rows = 4, Columns = 5 }) with { RowSums = [1.75, -2, 4, 0] };
        yield return Bad("Tolerant_TripletsIndexAboveGivenSize", triplets, ProblemFileError.Malformed, 3, "exceeds", new TextImportOptions { Triplets = true, Rows = 2, Columns = 3 });
        yield return Ok("Tolerant_TripletsPattern", "1 1\n2 3\n", 2, 3, 1, new TextImportOptions { Triplets = true }) with { Dense = new double[,] { { 1, 0, 0 }, { 0, 0, 1 } } };
        yield return Bad("Tolerant_TripletsMixedTokenCounts", "1 1 2\n2 3\n", ProblemFileError.Malformed, 2, "missing value", new TextImportOptions { Triplets = true });
        yield return Bad("Tolerant_ZeroBasedWithoutFlag", zeroBased, ProblemFileError.UnsupportedFormat, 1, "--index-base 0");
        yield return Bad("Tolerant_ZeroBasedTripletsFlagWithoutIndexBase", zeroBased, ProblemFileError.Malformed, 1, "--index-base 0", new TextImportOptions { Triplets = true });
        yield return Ok("Tolerant_ZeroBasedWithFlag", zeroBased, 3, 3, 1, new TextImportOptions { Triplets = true, IndexBase = 0 }) with { RowSums = GeneralRowSums };
        yield return Bad("Tolerant_ZeroBasedNegativeIndex", "0 0 1\n-1 0 1\n", ProblemFileError.Malformed, 2, "below 0", new TextImportOptions { Triplets = true, IndexBase = 0 });
        yield return Bad("Tolerant_LowerTriangleNoBannerHint", lowerOnly, ProblemFileError.SchemaViolation, 2, "--symmetry symmetric", new TextImportOptions { NoBanner = true });
        yield return Bad("Tolerant_LowerTriangleTripletsHint", lowerOnly[6..], ProblemFileError.SchemaViolation, 1, "--symmetry symmetric", new TextImportOptions { Triplets = true });
        yield return Ok("Tolerant_LowerTriangleSymmetric", lowerOnly, 3, 3, 0, new TextImportOptions { NoBanner = true, Symmetry = "symmetric" }) with
        {
            RowSums = [1, 0, 1],
            StoredEntries = 7,
        };
        yield return Ok("Tolerant_LowerTriangleGeneral", lowerOnly, 3, 3, 0, new TextImportOptions { NoBanner = true, Symmetry = "general" }) with
        {
            RowSums = [2, 1, 1],
            StoredEntries = 5,
        };
        yield return Ok("Tolerant_LowerTriangleTripletsSymmetric", lowerOnly[6..], 3, 3, 1, new TextImportOptions { Triplets = true, Symmetry = "symmetric" }) with
        {
            RowSums = [1, 0, 1],
        };
        yield return Bad("Tolerant_SymmetricWithUpperEntry", triplets, ProblemFileError.Malformed, 4, "above the diagonal", new TextImportOptions { Triplets = true, Symmetry = "symmetric" });
        yield return Ok("Tolerant_FlagIgnoredWithBanner", Banner + GeneralBody, 3, 3, 1, new TextImportOptions { NoBanner = true }) with { RowSums = GeneralRowSums };
    }
}
