using NUnit.Framework;
using Solvers.Cli.Infrastructure;
using Solvers.IO;

namespace Solvers.Tests.Cli;

[TestFixture]
public class IsolatedValidatorTests
{
    [Test]
    public void EnsureUnchanged_FileRewrittenAfterValidation_Throws()
    {
        string path = Path.Combine(Path.GetTempPath(), "solvers-stamp-" + Guid.NewGuid().ToString("N") + ".mtx");
        try
        {
            File.WriteAllText(path, "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n");
            var stamp = IsolatedValidator.Stamp(path);
            Assert.DoesNotThrow(() => IsolatedValidator.EnsureUnchanged(path, stamp));
            File.AppendAllText(path, "% a comment appended by someone else\n");
            var ex = Assert.Throws<ProblemFileException>(() => IsolatedValidator.EnsureUnchanged(path, stamp));
            Assert.That(ex!.Message, Does.Contain("changed"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Stamp_MissingFile_NotFound()
    {
        var ex = Assert.Throws<ProblemFileException>(() => IsolatedValidator.Stamp("/nonexistent/solvers-no-such-file.h5"));
        Assert.That(ex!.Error, Is.EqualTo(ProblemFileError.NotFound));
    }
}
