namespace FedLab.Data;

/// <summary>The run list's sortable columns (every column of <see cref="RunSummaryRow"/> a table shows).</summary>
public enum RunSortColumn
{
    Created,
    Started,
    Finished,
    Name,
    Experiment,
    Framework,
    Model,
    Dataset,
    Partition,
    Clients,
    Alpha,
    Seed,
    Status,
    Rounds,
    BestAccuracy,
    FinalAccuracy,
    MbUp,
    MbDown,
    ClientTflops,
    Duration,
}
