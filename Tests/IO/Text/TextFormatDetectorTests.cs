using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Text;

namespace Solvers.Tests.IO.Text;

/// <summary>Content-based detection (PS §9 item 4). No numerical tolerance applies.</summary>
[TestFixture]
public class TextFormatDetectorTests
{
    private TextTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TextTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [TestCase("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n", TextFormat.MatrixMarket)]
    [TestCase("\uFEFF%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n", TextFormat.MatrixMarket)]
    [TestCase("\n   %%matrixmarket matrix coordinate real general\n", TextFormat.MatrixMarket)]
    [TestCase("%MatrixMarket matrix array real general\n1 1\n1\n", TextFormat.MatrixMarket)]
    [TestCase("1 1 1.5\n2 1 -3\n", TextFormat.Triplets)]
    [TestCase("% comment\n3 3 2\n1 1 1\n", TextFormat.Triplets)]
    [TestCase("hello world\n", TextFormat.Unknown)]
    [TestCase("", TextFormat.Unknown)]
    public void Detect_ClassifiesByContent(string text, TextFormat expected) =>
        Assert.That(TextFormatDetector.Detect(_files.Write("f.txt", text)), Is.EqualTo(expected));

    [Test]
    public void Detect_HarwellBoeingHeader()
    {
        var m = HbMatrix.FromTriplets("RSA", 2, 2, [(1, 1, 1.0), (2, 1, 2.0), (2, 2, 3.0)]);
        string path = _files.Write("m.mtx", HarwellBoeingTestWriter.Write(m).ToString());
        Assert.That(TextFormatDetector.Detect(path), Is.EqualTo(TextFormat.HarwellBoeing), "extension is ignored");
    }

    [Test]
    public void Detect_BinaryFileIsUnknown() =>
        Assert.That(TextFormatDetector.Detect(_files.WriteBytes("b.bin", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])), Is.EqualTo(TextFormat.Unknown));

    [Test]
    public void Detect_MissingFileIsNotFound()
    {
        var ex = Assert.Throws<ProblemFileException>(() => TextFormatDetector.Detect(_files.PathOf("none.mtx")));
        Assert.That(ex!.Error, Is.EqualTo(ProblemFileError.NotFound));
    }
}
