namespace FedLab.Data;

/// <summary>The distinct values present in the database, for the run list's filter menus.</summary>
public sealed record RunFilterOptions(IReadOnlyList<string> Frameworks, IReadOnlyList<string> Models, IReadOnlyList<string> Datasets);
