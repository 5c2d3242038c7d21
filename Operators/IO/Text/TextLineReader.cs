using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Solvers.IO.Text;

/// <summary>
/// Streams a text file line by line as UTF-8 bytes (REL §9): lines up to 1 MiB, LF or CRLF endings, an optional UTF-8
/// BOM, NUL and other control characters refused. Every byte read is hashed (SHA-256) for provenance.
/// </summary>
internal sealed class TextLineReader : IDisposable
{
    /// <summary>Longest accepted line, in bytes, without its line ending.</summary>
    public const int MaxLineBytes = 1 << 20;

    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    private readonly Stream _stream;
    private readonly string _file;
    private readonly CancellationToken _ct;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private int _lineStart;
    private int _lineLength;

    public TextLineReader(Stream stream, string file, CancellationToken ct)
    {
        _stream = stream;
        _file = file;
        _ct = ct;
    }

    /// <summary>1-based number of the current line (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The file started with a UTF-8 byte-order mark.</summary>
    public bool SawByteOrderMark { get; private set; }

    /// <summary>At least one line ended in CRLF.</summary>
    public bool SawCarriageReturn { get; private set; }

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The current line without its line ending.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>The file name used in messages.</summary>
    public string File => _file;

    /// <summary>Advances to the next line; false at the end of the stream.</summary>
    public bool MoveNext()
    {
        if ((LineNumber & 1023) == 0) _ct.ThrowIfCancellationRequested();
        int scanFrom = _start;
        while (true)
        {
            int nl = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                int pos = scanFrom + nl;
                SetLine(_start, pos - _start);
                _start = pos + 1;
                return true;
            }

            if (_end - _start > MaxLineBytes + 1)
                throw TextErrors.Make(_file, ProblemFileError.LimitExceeded, LineNumber + 1,
                    string.Create(CultureInfo.InvariantCulture, $"line longer than {MaxLineBytes} bytes"));
            if (_eof)
            {
                if (_end > _start)
                {
                    SetLine(_start, _end - _start);
                    _start = _end;
                    return true;
                }

                return false;
            }

            int scanned = _end - _start;
            Fill();
            scanFrom = _start + scanned;
        }
    }

    /// <summary>Reads and hashes the rest of the stream, then returns the lower-case hex SHA-256 of all bytes.</summary>
    public string FinishHash()
    {
        while (!_eof)
        {
            _start = _end = 0;
            Fill();
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            int size = Math.Min(_buffer.Length * 2, MaxLineBytes + 64 * 1024);
            if (size <= _buffer.Length) size = _buffer.Length + 64 * 1024;
            Array.Resize(ref _buffer, size);
        }

        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n <= 0)
        {
            _eof = true;
            return;
        }

        _hash.AppendData(_buffer, _end, n);
        _end += n;
        BytesRead += n;
    }

    private void SetLine(int start, int length)
    {
        LineNumber++;
        if (length > 0 && _buffer[start + length - 1] == (byte)'\r')
        {
            length--;
            SawCarriageReturn = true;
        }

        if (LineNumber == 1 && length >= 3 && _buffer[start] == 0xEF && _buffer[start + 1] == 0xBB && _buffer[start + 2] == 0xBF)
        {
            start += 3;
            length -= 3;
            SawByteOrderMark = true;
        }

        if (length > MaxLineBytes)
            throw TextErrors.Make(_file, ProblemFileError.LimitExceeded, LineNumber,
                string.Create(CultureInfo.InvariantCulture, $"line of {length} bytes is longer than the limit of {MaxLineBytes} bytes"));
        var span = _buffer.AsSpan(start, length);
        int bad = span.IndexOfAny(ControlBytes);
        if (bad >= 0)
            throw TextErrors.Make(_file, ProblemFileError.Malformed, LineNumber,
                string.Create(CultureInfo.InvariantCulture, $"control character 0x{span[bad]:X2} at column {bad + 1} (binary or corrupt file)"));
        _lineStart = start;
        _lineLength = length;
    }

    public void Dispose() => _hash.Dispose();
}
