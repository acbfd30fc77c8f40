namespace FedLab.Data;

/// <summary>One page of runs and how many match the filter in all.</summary>
public sealed record RunPage(IReadOnlyList<RunSummaryRow> Items, int Total, int Page, int PageSize)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}
