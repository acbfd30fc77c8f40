using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedLab.Data;

/// <summary>Creates the <see cref="RunRecorder"/> for one run (one recorder per execution of a run).</summary>
public sealed class RunRecorderFactory(IDbContextFactory<FedLabDbContext> contexts, ILoggerFactory? loggers = null, TimeProvider? time = null)
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public RunRecorder Create(Guid runId) => new(runId, contexts, _loggers.CreateLogger<RunRecorder>(), _time);
}
