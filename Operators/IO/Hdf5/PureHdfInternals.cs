using System.Collections;
using System.Reflection;
using PureHDF;
using PureHDF.VOL.Native;

namespace Solvers.IO.Hdf5;

/// <summary>
/// The only place that touches PureHDF 2.2.0 internals (PS §11, N1): object identity (file object, object-header
/// address), the filter pipeline and the external-file-list message of a dataset. Every accessor returns null when
/// the member it needs is missing, and <see cref="IsAvailable"/> tells whether all of them were found; tests assert
/// that it is true, so a PureHDF upgrade that renames them fails loudly.
/// </summary>
internal static class PureHdfInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private static readonly PropertyInfo? ReferenceProperty = typeof(NativeObject).GetProperty("Reference", Instance);
    private static readonly PropertyInfo? ReferenceFile = ReferenceProperty?.PropertyType.GetProperty("File", Instance);
    private static readonly PropertyInfo? ReferenceValue = ReferenceProperty?.PropertyType.GetProperty("Value", Instance);
    private static readonly PropertyInfo? FilterPipeline = typeof(NativeDataset).GetProperty("InternalFilterPipeline", Instance);
    private static readonly PropertyInfo? ExternalFileList = typeof(NativeDataset).GetProperty("InternalExternalFileList", Instance);
    private static readonly PropertyInfo? FilterDescriptions = FilterPipeline?.PropertyType.GetProperty("FilterDescriptions", Instance);
    private static readonly PropertyInfo? FilterDescriptionType =
        FilterDescriptions?.PropertyType.GetElementType() is { } t ? t.GetProperty("Identifier", Instance) : null;
    private static readonly PropertyInfo? FilterName =
        FilterDescriptions?.PropertyType.GetElementType() is { } t2 ? t2.GetProperty("Name", Instance) : null;

    /// <summary>True when every internal member the adapter relies on was found by reflection.</summary>
    public static bool IsAvailable =>
        ReferenceProperty is not null && ReferenceFile is not null && ReferenceValue is not null && FilterPipeline is not null
        && ExternalFileList is not null && FilterDescriptions is not null && FilterDescriptionType is not null && FilterName is not null;

    /// <summary>The names of the members that could not be found (empty when <see cref="IsAvailable"/>).</summary>
    public static IReadOnlyList<string> MissingMembers
    {
        get
        {
            var missing = new List<string>();
            if (ReferenceProperty is null) missing.Add("NativeObject.Reference");
            if (ReferenceFile is null) missing.Add("NativeNamedReference.File");
            if (ReferenceValue is null) missing.Add("NativeNamedReference.Value");
            if (FilterPipeline is null) missing.Add("NativeDataset.InternalFilterPipeline");
            if (ExternalFileList is null) missing.Add("NativeDataset.InternalExternalFileList");
            if (FilterDescriptions is null) missing.Add("FilterPipelineMessage.FilterDescriptions");
            if (FilterDescriptionType is null) missing.Add("FilterDescription.Identifier");
            if (FilterName is null) missing.Add("FilterDescription.Name");
            return missing;
        }
    }

    /// <summary>The object's identity: its internal file object and object-header address; null when unavailable.</summary>
    public static (object File, ulong Address)? Identity(IH5Object obj)
    {
        if (obj is not NativeObject native || ReferenceProperty is null || ReferenceFile is null || ReferenceValue is null) return null;
        object? reference = ReferenceProperty.GetValue(native);
        if (reference is null) return null;
        object? file = ReferenceFile.GetValue(reference);
        object? value = ReferenceValue.GetValue(reference);
        if (file is null || value is not ulong address) return null;
        return (file, address);
    }

    /// <summary>The internal file object that holds <paramref name="obj"/>, or null.</summary>
    public static object? FileOf(IH5Object obj) => Identity(obj)?.File;

    /// <summary>The (id, name) of each filter in the dataset's pipeline; empty when none; null when unavailable.</summary>
    public static IReadOnlyList<(int Id, string Name)>? Filters(IH5Dataset dataset)
    {
        if (dataset is not NativeDataset native || FilterPipeline is null || FilterDescriptions is null
            || FilterDescriptionType is null || FilterName is null) return null;
        object? pipeline = FilterPipeline.GetValue(native);
        if (pipeline is null) return [];
        if (FilterDescriptions.GetValue(pipeline) is not IEnumerable descriptions) return null;
        var result = new List<(int, string)>();
        foreach (object? d in descriptions)
        {
            if (d is null) continue;
            int id = Convert.ToInt32(FilterDescriptionType.GetValue(d), System.Globalization.CultureInfo.InvariantCulture);
            string name = FilterName.GetValue(d) as string ?? "";
            result.Add((id, name));
        }

        return result;
    }

    /// <summary>True when the dataset stores its data in external files; null when unavailable.</summary>
    public static bool? HasExternalStorage(IH5Dataset dataset)
    {
        if (dataset is not NativeDataset native || ExternalFileList is null) return null;
        return ExternalFileList.GetValue(native) is not null;
    }
}
