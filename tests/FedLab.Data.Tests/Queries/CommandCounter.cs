using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FedLab.Data.Tests.Queries;

/// <summary>Counts the SQL statements EF sends (readers only: queries).</summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    public int Count { get; set; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count++;
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
