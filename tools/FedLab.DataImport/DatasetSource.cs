namespace FedLab.DataImport;

/// <summary>Where a bundled dataset came from and under which terms.</summary>
internal sealed record DatasetSource(
    string Package,
    string Version,
    string Registry,
    string Licence,
    string ArchiveFile,
    string ArchiveSha256);
