using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Solvers.Dense;

/// <summary>
/// Loads the native libraries of the dense backends and resolves their logical <c>[LibraryImport]</c> names
/// (for example <see cref="MklRt"/> or <see cref="OpenBlas"/>) to the handles loaded here.
/// </summary>
/// <remarks>
/// One resolver is installed for the whole Operators assembly (the runtime allows only one per assembly), the first time
/// this class is touched. A logical name that <see cref="TryLoad"/> has loaded resolves to that handle; any other name falls
/// back to the runtime's default probing. Backends call <see cref="TryLoad"/> before their first native call, so their
/// imports bind to the library that was actually found.
/// </remarks>
public static class NativeLibraries
{
    /// <summary>Logical library name of MKL's single dynamic library (<c>libmkl_rt.so</c>).</summary>
    public const string MklRt = "mkl_rt";

    /// <summary>Logical library name of OpenBLAS (<c>libopenblas.so.0</c>).</summary>
    public const string OpenBlas = "openblas";

    private static readonly ConcurrentDictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    static NativeLibraries()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    /// <summary>
    /// Loads the first of <paramref name="candidates"/> that the system loader accepts and maps
    /// <paramref name="logicalName"/> to it for every <c>[LibraryImport]</c> of this assembly; never throws for a
    /// missing library.
    /// </summary>
    /// <param name="logicalName">The name used in <c>[LibraryImport]</c>, such as <see cref="MklRt"/>.</param>
    /// <param name="candidates">File names or paths to try in order (for example <c>libmkl_rt.so.1</c>, <c>libmkl_rt.so</c>).</param>
    /// <param name="handle">The library handle, or <see cref="IntPtr.Zero"/> on failure.</param>
    /// <param name="error">Null on success; otherwise which candidates were tried and the loader's message.</param>
    /// <returns>Whether a library is now mapped to <paramref name="logicalName"/>.</returns>
    /// <remarks>A name that is already loaded returns its existing handle; the first successful load wins.</remarks>
    public static bool TryLoad(string logicalName, string[] candidates, out IntPtr handle, out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(logicalName);
        ArgumentNullException.ThrowIfNull(candidates);
        lock (Gate)
        {
            if (Handles.TryGetValue(logicalName, out handle))
            {
                error = null;
                return true;
            }
            foreach (string candidate in candidates)
            {
                if (!string.IsNullOrEmpty(candidate) && NativeLibrary.TryLoad(candidate, out handle))
                {
                    Handles[logicalName] = handle;
                    error = null;
                    return true;
                }
            }
            handle = IntPtr.Zero;
            error = $"none of [{string.Join(", ", candidates)}] could be loaded{LoaderMessage(candidates)}";
            return false;
        }
    }

    /// <summary>Whether <paramref name="logicalName"/> has been loaded by <see cref="TryLoad"/>.</summary>
    /// <param name="logicalName">The logical library name.</param>
    /// <param name="handle">Its handle, or <see cref="IntPtr.Zero"/>.</param>
    /// <returns>Whether the name is mapped.</returns>
    public static bool IsLoaded(string logicalName, out IntPtr handle) => Handles.TryGetValue(logicalName, out handle);

    /// <summary>The system loader's message for the first candidate (a missing dependency reads differently from a missing file).</summary>
    private static string LoaderMessage(string[] candidates)
    {
        string? first = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c));
        if (first is null)
        {
            return "";
        }
        try
        {
            IntPtr h = NativeLibrary.Load(first);
            NativeLibrary.Free(h); // loaded on a second try: report nothing more specific
            return "";
        }
        catch (DllNotFoundException ex)
        {
            return $" ({ex.Message.Trim()})";
        }
        catch (BadImageFormatException ex)
        {
            return $" ({ex.Message.Trim()})";
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => Handles.TryGetValue(libraryName, out IntPtr handle) ? handle : IntPtr.Zero;
}
