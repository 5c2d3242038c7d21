using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Solvers.IO.Hdf5;

/// <summary>
/// Turns a file that PureHDF wrote with a 512-byte user block into a MATLAB v7.3 MAT-file (PS §10.2):
/// <list type="bullet">
/// <item>writes the 128-byte MAT header into the (zero-filled) user block;</item>
/// <item>marks the fixed-length <c>MATLAB_class</c> strings as ASCII, as MATLAB writes them. PureHDF 2.2.0 always
/// writes the UTF-8 character set, and libhdf5 refuses to convert UTF-8 strings to an ASCII memory type ("no
/// appropriate function for conversion path"), which is how C readers such as matio read the class name.</item>
/// </list>
/// The user block itself comes from <c>H5WriteOptions.UserBlockSize</c>: PureHDF then stores base address 512 in its
/// version-3 superblock, so every HDF5 address stays valid and nothing in the superblock needs changing. Merely
/// prepending 512 bytes to a file written without a user block is not enough: libhdf5 (h5py, h5dump) adjusts the base
/// address when it finds the signature at 512, but PureHDF does not and fails to open the file.
/// </summary>
internal static class MatlabFilePatcher
{
    /// <summary>Size of the user block that holds the MAT header.</summary>
    public const int UserBlockSize = 512;

    /// <summary>Length of the descriptive text at the start of the header.</summary>
    public const int HeaderTextLength = 116;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> ClassAttributeName => "MATLAB_class\0"u8;

    /// <summary>
    /// The 128-byte MAT header: text (space-padded to 116 bytes), 8 zero bytes of subsystem offset, version 0x0200 and
    /// the little-endian indicator "IM".
    /// </summary>
    public static byte[] Header(DateTime created)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"MATLAB 7.3 MAT-file, Platform: {Platform()}, Created on: {created:ddd MMM dd HH:mm:ss yyyy} HDF5 schema 1.00 .");
        if (text.Length > HeaderTextLength) text = text[..HeaderTextLength];
        var header = new byte[128];
        Encoding.ASCII.GetBytes(text.PadRight(HeaderTextLength), header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0200);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        return header;
    }

    /// <summary>The MATLAB platform code of this machine (GLNXA64, PCWIN64, MACI64, MACA64), or the runtime identifier.</summary>
    public static string Platform()
    {
        bool x64 = RuntimeInformation.OSArchitecture == Architecture.X64;
        bool arm64 = RuntimeInformation.OSArchitecture == Architecture.Arm64;
        if (OperatingSystem.IsLinux() && x64) return "GLNXA64";
        if (OperatingSystem.IsWindows() && x64) return "PCWIN64";
        if (OperatingSystem.IsMacOS() && x64) return "MACI64";
        if (OperatingSystem.IsMacOS() && arm64) return "MACA64";
        return RuntimeInformation.RuntimeIdentifier;
    }

    /// <summary>
    /// Checks the user block and superblock that PureHDF wrote, writes <paramref name="header"/> into the user block and
    /// marks the <c>MATLAB_class</c> strings ASCII.
    /// </summary>
    /// <returns>The number of <c>MATLAB_class</c> attributes changed to ASCII.</returns>
    /// <exception cref="InvalidOperationException">The file does not have the layout this patcher relies on.</exception>
    public static int Patch(string path, ReadOnlySpan<byte> header)
    {
        if (header.Length > UserBlockSize) throw new ArgumentException("the MAT header is larger than the user block", nameof(header));
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        CheckUserBlock(fs);
        fs.Position = 0;
        fs.Write(header);
        int patched = 0;
        foreach (long pos in FindAll(fs, "OHDR"u8, UserBlockSize)) patched += PatchObjectHeader(fs, pos);
        return patched;
    }

    /// <summary>The user block must be zero-filled, followed by a v2/v3 superblock with base address 512 and a valid checksum.</summary>
    private static void CheckUserBlock(FileStream fs)
    {
        var block = new byte[UserBlockSize + 48];
        fs.Position = 0;
        if (fs.ReadAtLeast(block, block.Length, throwOnEndOfStream: false) < block.Length)
            throw new InvalidOperationException("the HDF5 file is shorter than a user block and a superblock");
        if (block.AsSpan(0, UserBlockSize).ContainsAnyExcept((byte)0))
            throw new InvalidOperationException("the HDF5 writer left data in the user block");
        var sb = block.AsSpan(UserBlockSize);
        if (!sb[..8].SequenceEqual(Signature))
            throw new InvalidOperationException($"no HDF5 signature at offset {UserBlockSize}; the writer ignored the user block size");
        if (sb[8] is not (2 or 3) || sb[9] != 8)
            throw new InvalidOperationException($"unexpected superblock version {sb[8]} or offset size {sb[9]} (expected version 2 or 3 with 8-byte offsets)");
        if (BinaryPrimitives.ReadUInt64LittleEndian(sb[12..]) != UserBlockSize)
            throw new InvalidOperationException("the superblock's base address is not the user block size");
        // Superblock v2/v3: 44 bytes with 8-byte offsets and lengths, then the lookup3 checksum of those bytes.
        if (JenkinsLookup3.Hash(sb[..44]) != BinaryPrimitives.ReadUInt32LittleEndian(sb[44..]))
            throw new InvalidOperationException("the superblock checksum does not verify");
    }

    /// <summary>Positions (≥ <paramref name="from"/>) of every occurrence of a 4-byte signature.</summary>
    private static List<long> FindAll(FileStream fs, ReadOnlySpan<byte> sig, long from)
    {
        var hits = new List<long>();
        var buf = new byte[1 << 20];
        long basePos = from;
        int carry = 0;
        fs.Position = from;
        while (true)
        {
            int got = fs.Read(buf, carry, buf.Length - carry);
            if (got <= 0) break;
            int len = carry + got;
            var span = buf.AsSpan(0, len);
            int start = 0;
            while (true)
            {
                int i = span[start..].IndexOf(sig);
                if (i < 0) break;
                hits.Add(basePos + start + i);
                start += i + 1;
            }

            carry = Math.Min(sig.Length - 1, len);
            buf.AsSpan(len - carry, carry).CopyTo(buf);
            basePos += len - carry;
        }

        return hits;
    }

    /// <summary>Patches one version-2 object header (and its continuation chunks); returns the attributes changed.</summary>
    private static int PatchObjectHeader(FileStream fs, long pos)
    {
        var prefix = new byte[6 + 16 + 4 + 8];
        fs.Position = pos;
        int got = fs.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 7 || prefix[4] != 2) return 0;
        byte flags = prefix[5];
        int offset = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int sizeBytes = 1 << (flags & 3);
        if (offset + sizeBytes > got) return 0;
        ulong chunk0 = 0;
        for (int i = sizeBytes - 1; i >= 0; i--) chunk0 = (chunk0 << 8) | prefix[offset + i];
        offset += sizeBytes;
        ulong total = (ulong)offset + chunk0 + 4;
        if (chunk0 == 0 || total > (ulong)(fs.Length - pos) || total > int.MaxValue) return 0;
        var chunk = new byte[(int)total];
        fs.Position = pos;
        fs.ReadExactly(chunk);
        if (!ChecksumValid(chunk)) return 0; // an "OHDR" byte pattern inside raw data

        bool creationOrder = (flags & 0x04) != 0;
        var continuations = new Queue<(ulong Address, ulong Length)>();
        int patched = PatchMessages(chunk, offset, chunk.Length - 4, creationOrder, continuations);
        if (patched > 0) WriteChunk(fs, pos, chunk);
        int guard = 0;
        while (continuations.TryDequeue(out var c) && guard++ < 10_000)
        {
            ulong filePos = c.Address + UserBlockSize;
            if (c.Length < 8 || c.Length > int.MaxValue || filePos + c.Length > (ulong)fs.Length) continue;
            var cont = new byte[(int)c.Length];
            fs.Position = (long)filePos;
            fs.ReadExactly(cont);
            if (!cont.AsSpan(0, 4).SequenceEqual("OCHK"u8) || !ChecksumValid(cont)) continue;
            int n = PatchMessages(cont, 4, cont.Length - 4, creationOrder, continuations);
            if (n > 0) WriteChunk(fs, (long)filePos, cont);
            patched += n;
        }

        return patched;
    }

    private static bool ChecksumValid(byte[] chunk) =>
        JenkinsLookup3.Hash(chunk.AsSpan(0, chunk.Length - 4)) == BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(chunk.Length - 4));

    private static void WriteChunk(FileStream fs, long pos, byte[] chunk)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(chunk.Length - 4), JenkinsLookup3.Hash(chunk.AsSpan(0, chunk.Length - 4)));
        fs.Position = pos;
        fs.Write(chunk);
    }

    /// <summary>Walks the header messages in [start, end); patches attribute messages and collects continuations.</summary>
    private static int PatchMessages(byte[] chunk, int start, int end, bool creationOrder, Queue<(ulong, ulong)> continuations)
    {
        int headerSize = creationOrder ? 6 : 4;
        int patched = 0;
        int p = start;
        while (end - p >= headerSize)
        {
            byte type = chunk[p];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(chunk.AsSpan(p + 1));
            p += headerSize;
            if (size > end - p) break;
            var body = chunk.AsSpan(p, size);
            if (type == 0x0C && PatchAttribute(body)) patched++;
            else if (type == 0x10 && size >= 16)
                continuations.Enqueue((BinaryPrimitives.ReadUInt64LittleEndian(body), BinaryPrimitives.ReadUInt64LittleEndian(body[8..])));
            p += size;
        }

        return patched;
    }

    /// <summary>Sets the character set of a fixed-length, all-ASCII <c>MATLAB_class</c> string attribute to ASCII.</summary>
    private static bool PatchAttribute(Span<byte> a)
    {
        if (a.Length < 8) return false;
        byte version = a[0];
        if (version is 2 or 3 && (a[1] & 0x01) != 0) return false; // shared datatype: not ours to change
        int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(a[2..]);
        int typeSize = BinaryPrimitives.ReadUInt16LittleEndian(a[4..]);
        int spaceSize = BinaryPrimitives.ReadUInt16LittleEndian(a[6..]);
        int nameAt, typeAt, dataAt;
        switch (version)
        {
            case 1:
                nameAt = 8;
                typeAt = nameAt + Pad8(nameSize);
                dataAt = typeAt + Pad8(typeSize) + Pad8(spaceSize);
                break;
            case 2:
                nameAt = 8;
                typeAt = nameAt + nameSize;
                dataAt = typeAt + typeSize + spaceSize;
                break;
            case 3:
                nameAt = 9;
                typeAt = nameAt + nameSize;
                dataAt = typeAt + typeSize + spaceSize;
                break;
            default:
                return false;
        }

        if (typeSize < 8 || typeAt + typeSize > a.Length || !a.Slice(nameAt, nameSize).SequenceEqual(ClassAttributeName)) return false;
        var type = a.Slice(typeAt, typeSize);
        if ((type[0] & 0x0F) != 3 || (type[1] >> 4) != 1) return false; // not a string, or not UTF-8
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(type[4..]);
        if (length <= 0 || dataAt + length > a.Length || a.Slice(dataAt, length).ContainsAnyInRange((byte)0x80, (byte)0xFF)) return false;
        type[1] &= 0x0F;
        return true;
    }

    private static int Pad8(int n) => (n + 7) & ~7;
}

/// <summary>Bob Jenkins' lookup3 <c>hashlittle</c>, the checksum of HDF5 superblocks v2/v3 and v2 object headers.</summary>
internal static class JenkinsLookup3
{
    /// <summary>The hash of <paramref name="data"/> with initial value <paramref name="initval"/> (HDF5 uses 0).</summary>
    public static uint Hash(ReadOnlySpan<byte> data, uint initval = 0)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)data.Length + initval;
        while (data.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(data);
            b += BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            Mix(ref a, ref b, ref c);
            data = data[12..];
        }

        if (data.Length == 0) return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        data.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        Final(ref a, ref b, ref c);
        return c;
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= uint.RotateLeft(c, 4); c += b;
        b -= a; b ^= uint.RotateLeft(a, 6); a += c;
        c -= b; c ^= uint.RotateLeft(b, 8); b += a;
        a -= c; a ^= uint.RotateLeft(c, 16); c += b;
        b -= a; b ^= uint.RotateLeft(a, 19); a += c;
        c -= b; c ^= uint.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= uint.RotateLeft(b, 14);
        a ^= c; a -= uint.RotateLeft(c, 11);
        b ^= a; b -= uint.RotateLeft(a, 25);
        c ^= b; c -= uint.RotateLeft(b, 16);
        a ^= c; a -= uint.RotateLeft(c, 4);
        b ^= a; b -= uint.RotateLeft(a, 14);
        c ^= b; c -= uint.RotateLeft(b, 24);
    }
}
