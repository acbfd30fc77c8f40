using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Cluster;

/// <summary>The worker side of <see cref="IClientWorkerGrain"/>: translates wire records and hands the work to <see cref="WorkerRuns"/>.</summary>
public sealed class ClientWorkerGrain(WorkerRuns runs, ILocalSiloDetails silo) : Grain, IClientWorkerGrain
{
    public Task Open(Guid session, string specJson)
    {
        AtHome();
        return runs.Open(session, specJson);
    }

    public async Task<WireReply> Call(Guid session, WireCall call)
    {
        AtHome();
        var reply = await runs.Call(session, call.Sequence, new ClientCall(call.Program, call.Operation, call.Round, call.ClientId,
            call.Payloads.Select(p => new Payload(new PayloadKind(p.Kind), p.Bytes)).ToArray(), call.Side));
        var r = reply.Result;
        return new WireReply(
            reply.Payloads.Select(p => new WirePayload(p.Kind.Name, p.Bytes)).ToArray(),
            r is null ? null : new WireResult(r.Examples, r.Steps, r.MeanLoss, r.Flops, r.Seconds),
            reply.Side);
    }

    public Task Close(Guid session) => runs.Close(session);

    /// <summary>
    /// The host stands for the silo named by its key; if that silo died and Orleans placed a call for it here instead,
    /// this activation refuses the call and goes away (the client's turn and state were on the dead worker).
    /// </summary>
    private void AtHome()
    {
        string home = this.GetPrimaryKeyString();
        if (home != silo.SiloAddress.ToParsableString())
        {
            DeactivateOnIdle();
            throw new WorkerGoneException($"worker {home} is gone: its call reached {silo.SiloAddress.ToParsableString()} instead");
        }
    }

    /// <summary>Describes the worker it runs on (a host placed away from its own worker says so, and goes away).</summary>
    public Task<WorkerInfo> Describe()
    {
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
        {
            DeactivateOnIdle();
        }
        return Task.FromResult(new WorkerInfo(silo.SiloAddress.ToParsableString(), Environment.MachineName, Environment.ProcessId, get_num_threads(), runs.Count, runs.StartedAt));
    }
}
