using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Remote;

/// <summary>
/// A client runner that runs the client half of each framework somewhere else (FedLab.Cluster's Orleans runner) also
/// implements this: the framework opens one session per run and sends its client programs' calls through it; the
/// coordinator keeps aggregation, the server half of split learning and evaluation. A runner without it runs the same
/// client programs in this process on the run's own model.
/// </summary>
public interface IRemoteClients
{
    /// <param name="extras">The run's open-set metrics: the session notes which worker ran each client ("cluster.worker").</param>
    IRemoteSession Open(RunSpec spec, RoundExtras extras);
}
