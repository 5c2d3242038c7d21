using System.Text;
using Solvers.IO.Hdf5;
using Solvers.IO.Text;

namespace Solvers.IO;

/// <summary>The container format of a problem file, detected from its content (PS §9).</summary>
public enum ProblemFileFormat
{
    /// <summary>Not recognised.</summary>
    Unknown,
    /// <summary>The suite's native HDF5 problem set.</summary>
    ProblemSet,
    /// <summary>MATLAB v7.3 (HDF5 with a 512-byte user block).</summary>
    MatlabV73,
    /// <summary>An HDF5 file with a CSR/CSC group (anndata, h5sparse, 10x, scipy-style).</summary>
    SparseGroup,
    /// <summary>HDF5 of another flavour (PDEBench, PETSc Vec, …) that the suite does not import as a problem.</summary>
    OtherHdf5,
    /// <summary>Matrix Market text.</summary>
    MatrixMarket,
    /// <summary>Harwell-Boeing / Rutherford-Boeing assembled text.</summary>
    HarwellBoeing,
    /// <summary>Header-less text triplets (needs explicit flags).</summary>
    Triplets,
    /// <summary>MATLAB level 5 (-v7, -v6), refused.</summary>
    MatlabLevel5,
    /// <summary>PETSc binary, refused.</summary>
    PetscBinary,
}

/// <summary>Options for <see cref="ProblemSource.Open"/>: the native reader's and the importers' options.</summary>
public sealed record ProblemOpenOptions
{
    /// <summary>Options of the native HDF5 reader (budget, untrusted mode, repairs).</summary>
    public ProblemReaderOptions Reader { get; init; } = new();

    /// <summary>Options of the text importers (Matrix Market, Harwell-Boeing).</summary>
    public TextImportOptions Text { get; init; } = new();

    /// <summary>Options of the MATLAB v7.3 importer.</summary>
    public MatlabImportOptions Matlab { get; init; } = new();

    /// <summary>Options of the CSR/CSC group importer.</summary>
    public SparseGroupImportOptions SparseGroup { get; init; } = new();
}

/// <summary>
/// Opens any supported problem file, picking the importer from the content (never from the extension alone), and
/// serves its problems by id. Native problem sets may hold many problems; imported files hold one, id "000000".
/// </summary>
/// <remarks>
/// In-process reading of an untrusted HDF5 file carries a residual risk (an uncatchable stack overflow inside
/// PureHDF is known, REL §1). The CLI validates such files in a child process first (<c>IsolatedValidator</c> in Cli).
/// </remarks>
public sealed class ProblemSource : IDisposable
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly ProblemSetReader? _native;
    private readonly ProblemOpenOptions _options;

    private ProblemSource(string path, ProblemFileFormat format, ProblemSetReader? native, ProblemOpenOptions options)
    {
        Path = path;
        Format = format;
        _native = native;
        _options = options;
        ProblemIds = native?.ProblemIds ?? ["000000"];
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>The detected format.</summary>
    public ProblemFileFormat Format { get; }

    /// <summary>Problem ids in file order.</summary>
    public IReadOnlyList<string> ProblemIds { get; }

    /// <summary>Names of the PDE sample sets (native problem sets only; empty for imported formats).</summary>
    public IReadOnlyList<string> SampleSetNames => _native?.SampleSetNames ?? [];

    /// <summary>Reads and validates a sample set, or a sample range of it (native problem sets only).</summary>
    /// <exception cref="ProblemFileException">No such set, or the set is invalid.</exception>
    public SampleSet ReadSamples(string name, Range? samples = null, CancellationToken cancellationToken = default) =>
        _native?.ReadSamples(name, samples, cancellationToken)
        ?? throw new ProblemFileException(Path, null, ProblemFileError.NotFound, $"sample set '{name}' not found; only native problem sets hold sample sets");

    /// <summary>Opens <paramref name="path"/>; throws <see cref="ProblemFileException"/> for missing, unknown or refused formats.</summary>
    public static ProblemSource Open(string path, ProblemOpenOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ProblemOpenOptions();
        var format = Detect(path);
        switch (format)
        {
            case ProblemFileFormat.ProblemSet:
                return new ProblemSource(path, format, ProblemSetReader.Open(path, options.Reader), options);
            case ProblemFileFormat.MatlabV73:
            case ProblemFileFormat.SparseGroup:
            case ProblemFileFormat.MatrixMarket:
            case ProblemFileFormat.HarwellBoeing:
                return new ProblemSource(path, format, null, options);
            case ProblemFileFormat.Triplets:
                if (options.Text.NoBanner || options.Text.Triplets) return new ProblemSource(path, ProblemFileFormat.MatrixMarket, null, options);
                throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                    "text file without a Matrix Market banner; if it holds a size line and 1-based entries pass --mm-no-banner, " +
                    "if it holds only triplets pass --triplets [--rows R --cols C] (and --symmetry symmetric when only one triangle is stored)");
            case ProblemFileFormat.MatlabLevel5:
                throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                    "MATLAB level-5 MAT-file (-v7/-v6) is not supported; re-save with save(…, '-v7.3') or export to Matrix Market");
            case ProblemFileFormat.PetscBinary:
                throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                    "PETSc binary files are not supported yet; write the matrix with PETSc's Matrix Market or MATLAB viewer");
            case ProblemFileFormat.OtherHdf5:
                throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                    "HDF5 file is not a problem set, MATLAB v7.3 file or CSR/CSC group; `solvers inspect` lists its objects");
            default:
                throw new ProblemFileException(path, null, ProblemFileError.UnsupportedFormat,
                    "unrecognised file format (expected an HDF5 problem set, MATLAB v7.3, Matrix Market or Harwell-Boeing)");
        }
    }

    /// <summary>Reads and validates one problem.</summary>
    public LinearProblem ReadProblem(string id, CancellationToken cancellationToken = default)
    {
        if (_native is not null) return _native.ReadProblem(id, cancellationToken);
        if (id != "000000")
            throw new ProblemFileException(Path, null, ProblemFileError.NotFound, $"problem '{id}' not found; this file holds one problem, id 000000");
        return Format switch
        {
            ProblemFileFormat.MatlabV73 => MatlabV73Reader.ReadProblem(Path, _options.Matlab, cancellationToken),
            ProblemFileFormat.SparseGroup => SparseGroupReader.ReadProblem(Path, _options.SparseGroup, cancellationToken),
            ProblemFileFormat.HarwellBoeing => HarwellBoeingReader.ReadProblem(Path, _options.Text, cancellationToken),
            _ => MatrixMarketReader.ReadProblem(Path, _options.Text, cancellationToken),
        };
    }

    /// <summary>Detects the format of <paramref name="path"/> from its first bytes.</summary>
    public static ProblemFileFormat Detect(string path)
    {
        byte[] head;
        long length;
        try
        {
            using var fs = File.OpenRead(path);
            length = fs.Length;
            head = new byte[(int)Math.Min(length, 128)];
            fs.ReadExactly(head);
            if (StartsWith(head, Hdf5Signature) || HasUserBlockSignature(fs, length))
            {
                if (Encoding.ASCII.GetString(head).StartsWith("MATLAB 7.3 MAT-file", StringComparison.Ordinal))
                    return ProblemFileFormat.MatlabV73;
                return Hdf5FormatDetector.Detect(path) switch
                {
                    Hdf5Flavor.Native => ProblemFileFormat.ProblemSet,
                    Hdf5Flavor.Matlab => ProblemFileFormat.MatlabV73,
                    Hdf5Flavor.Anndata or Hdf5Flavor.H5Sparse or Hdf5Flavor.TenX or Hdf5Flavor.GenericCsr => ProblemFileFormat.SparseGroup,
                    Hdf5Flavor.Unknown => ProblemFileFormat.Unknown,
                    _ => ProblemFileFormat.OtherHdf5,
                };
            }
        }
        catch (FileNotFoundException e)
        {
            throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found", null, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file not found", null, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ProblemFileException(path, null, ProblemFileError.NotFound, "file cannot be read: " + e.Message, null, e);
        }
        catch (IOException e) when (e is not ProblemFileException)
        {
            throw new ProblemFileException(path, null, ProblemFileError.Malformed, "file cannot be read: " + e.Message, null, e);
        }

        if (Encoding.ASCII.GetString(head).StartsWith("MATLAB 5.0 MAT-file", StringComparison.Ordinal))
            return ProblemFileFormat.MatlabLevel5;
        if (head.Length >= 4)
        {
            int magic = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
            if (magic is 1211216 or 1211214) return ProblemFileFormat.PetscBinary;
        }

        return TextFormatDetector.Detect(path) switch
        {
            TextFormat.MatrixMarket => ProblemFileFormat.MatrixMarket,
            TextFormat.HarwellBoeing => ProblemFileFormat.HarwellBoeing,
            TextFormat.Triplets => ProblemFileFormat.Triplets,
            _ => ProblemFileFormat.Unknown,
        };
    }

    private static bool StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) =>
        data.Length >= prefix.Length && data[..prefix.Length].SequenceEqual(prefix);

    private static bool HasUserBlockSignature(FileStream fs, long length)
    {
        Span<byte> sig = stackalloc byte[8];
        for (long offset = 512; offset + 8 <= length && offset <= (1L << 30); offset *= 2)
        {
            fs.Position = offset;
            fs.ReadExactly(sig);
            if (sig.SequenceEqual(Hdf5Signature)) return true;
        }

        return false;
    }

    /// <inheritdoc />
    public void Dispose() => _native?.Dispose();
}
