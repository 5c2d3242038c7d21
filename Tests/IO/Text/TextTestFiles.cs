using System.Text;

namespace Solvers.Tests.IO.Text;

/// <summary>A per-test temporary directory for generated text files (deleted in TearDown).</summary>
internal sealed class TextTestFiles : IDisposable
{
    public TextTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "solvers-textio-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a BOM (a leading U+FEFF becomes the BOM bytes).</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
