using System.Text;
using NUnit.Framework;
using Solvers.IO;
using Solvers.IO.Text;

namespace Solvers.Tests.IO.Text;

/// <summary>
/// REL §2.2 rule 3 over mutated corpus files: a read either succeeds or throws <see cref="ProblemFileException"/> with a
/// line; no other exception type escapes, and none reaches the parser's last-resort wrapper (which would hide a bug). Seeded, so reproducible. No numerical tolerance applies.
/// </summary>
[TestFixture]
public class TextMutationTests
{
    private static readonly byte[] Alphabet = Encoding.ASCII.GetBytes("0123456789 \t\n\r-+.eEdD%%abcMmxX()\0");

    private static byte[] Mutate(byte[] src, Random rng)
    {
        var list = new List<byte>(src);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits && list.Count > 0; e++)
        {
            int pos = rng.Next(list.Count);
            switch (rng.Next(4))
            {
                case 0: list[pos] = Alphabet[rng.Next(Alphabet.Length)]; break;
                case 1: list.Insert(pos, Alphabet[rng.Next(Alphabet.Length)]); break;
                case 2: list.RemoveAt(pos); break;
                default: list.RemoveRange(pos, list.Count - pos); break;
            }
        }

        return [.. list];
    }

    private static void ReadAndClassify(Func<Stream, object> read, byte[] bytes, string what)
    {
        try
        {
            using var ms = new MemoryStream(bytes);
            read(ms);
        }
        catch (ProblemFileException e)
        {
            Assert.That(e.Line, Is.Not.Null, $"{what}: Line must be set ({e.Message})");
            Assert.That(e.Reason, Does.Not.StartWith("unexpected parser failure"),
                $"{what}: an internal fault was caught by the safety net: {e.InnerException}\n--- input ---\n{Encoding.UTF8.GetString(bytes)}");
        }
#pragma warning disable CA1031 // The point of the test: no other exception type may escape.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped: {e.Message}\n--- input ---\n{Encoding.UTF8.GetString(bytes)}");
        }
    }

    [Test]
    public void MutatedMatrixMarketFiles_ThrowOnlyProblemFileException()
    {
        var rng = new Random(2024);
        var sources = MatrixMarketCorpus.All().Select(c => (c, Bytes: Encoding.UTF8.GetBytes(c.Text))).Where(s => s.Bytes.Length < 10_000).ToList();
        for (int k = 0; k < 3000; k++)
        {
            var (c, bytes) = sources[rng.Next(sources.Count)];
            var mutated = Mutate(bytes, rng);
            ReadAndClassify(s => MatrixMarketReader.Read(s, c.Name + ".mtx", c.Options), mutated, $"{c.Name} mutation {k}");
        }
    }

    [Test]
    public void MutatedHarwellBoeingFiles_ThrowOnlyProblemFileException()
    {
        var rng = new Random(4711);
        var m = HbMatrix.FromTriplets("RUA", 5, 5, [(1, 1, 4.0), (2, 1, -1.5), (5, 1, 1e-5), (2, 2, 4.25), (3, 3, 4), (5, 5, 8)]) with
        {
            Rhs = [1, 2, 3, 4, 5],
            Exact = [1, 1, 1, 1, 1],
        };
        byte[][] sources =
        [
            Encoding.ASCII.GetBytes(HarwellBoeingTestWriter.Write(m).ToString()),
            Encoding.ASCII.GetBytes(HarwellBoeingTestWriter.Write(m with { ValueField = HbField.E(4, 16, 8) }).ToString()),
            Encoding.ASCII.GetBytes(HarwellBoeingTestWriter.Write(HbMatrix.FromTriplets("RSA", 3, 3, [(1, 1, 2.0), (2, 1, -1), (3, 3, 2)])).ToString()),
        ];
        for (int k = 0; k < 3000; k++)
        {
            var mutated = Mutate(sources[rng.Next(sources.Length)], rng);
            ReadAndClassify(s => HarwellBoeingReader.Read(s, "mutated.rua"), mutated, $"mutation {k}");
        }
    }
}
