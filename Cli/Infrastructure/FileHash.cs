using System.Security.Cryptography;

namespace Solvers.Cli.Infrastructure;

/// <summary>File digests for provenance.</summary>
public static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
