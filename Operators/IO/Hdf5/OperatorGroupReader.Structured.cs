using PureHDF;

namespace Solvers.IO.Hdf5;

internal sealed partial class OperatorGroupReader
{
    private ILinearOperator ReadDense(string path, int rows, int cols, CancellationToken ct)
    {
        _ = (rows, cols, ct);
        throw _h.Error(path, ProblemFileError.UnsupportedFeature, "dense storage is not available yet");
    }

    private ILinearOperator ReadKronecker(IH5Group g, string path, int rows, int cols, int depth, List<(object, ulong)> ancestors, CancellationToken ct)
    {
        _ = (g, rows, cols, depth, ancestors, ct);
        throw _h.Error(path, ProblemFileError.UnsupportedFeature, "kronecker storage is not available yet");
    }

    private ILinearOperator ReadStencil(IH5Group g, string path, int rows, int cols, CancellationToken ct)
    {
        _ = (g, rows, cols, ct);
        throw _h.Error(path, ProblemFileError.UnsupportedFeature, "stencil storage is not available yet");
    }
}
