using System.Runtime.ExceptionServices;
using FedLab.Engine.Federation.Remote;

namespace FedLab.Cluster;

/// <summary>
/// Makes a worker's client calls safe to send again. Orleans delivers at most once: when a worker dies, a call routed
/// through its gateway can be lost, or its answer can, even though another worker did the work. The coordinator then
/// sends the call again with the same sequence number (<see cref="WireCall.Sequence"/>), and this ledger answers it
/// without doing the work twice: the client's last call is answered from its recorded reply (or its recorded error), a
/// call older than that is refused, a newer one is done. Without it a repeated split forward, or a repeated KD
/// distillation, would train twice.
/// Each client's last reply is kept until that client's next call, or until a call of a later round arrives (a round's
/// calls are never sent again once the next round has started), so a worker holds at most one round's replies.
/// Used on the worker's one client thread only.
/// </summary>
public sealed class ReplyLedger
{
    private readonly Dictionary<int, long> _highest = [];
    private readonly Dictionary<int, Entry> _last = [];
    private int _round = int.MinValue;

    /// <summary>Replies answered from the ledger (calls sent again after a lost message or answer).</summary>
    public int Replayed { get; private set; }

    /// <summary>Replies the ledger holds now.</summary>
    public int Held => _last.Count;

    /// <summary>
    /// Answers <paramref name="call"/> number <paramref name="sequence"/> of its client: from the ledger when it is the
    /// client's last call, else by <paramref name="work"/>. Sequence 0 means the sender does not resend: no bookkeeping.
    /// </summary>
    public ClientReply Answer(long sequence, ClientCall call, Func<ClientReply> work)
    {
        if (sequence <= 0)
        {
            return work();
        }
        int client = call.ClientId;
        if (_last.TryGetValue(client, out var last) && last.Sequence == sequence)
        {
            Replayed++;
            if (last.Error is { } error)
            {
                error.Throw();
            }
            return last.Reply!;
        }
        if (_highest.TryGetValue(client, out long highest) && sequence <= highest)
        {
            throw new InvalidOperationException($"client {client}'s call {sequence} ({call.Program} {call.Operation}, round {call.Round}) arrived after its call {highest}; a stale copy is not done again");
        }
        _highest[client] = sequence;
        if (call.Round > _round)
        {
            _round = call.Round;
            foreach (var old in _last.Where(e => e.Value.Round < call.Round).Select(e => e.Key).ToList())
            {
                _last.Remove(old);
            }
        }
        try
        {
            var reply = work();
            _last[client] = new Entry(sequence, call.Round, reply, null);
            return reply;
        }
        catch (Exception ex)
        {
            _last[client] = new Entry(sequence, call.Round, null, ExceptionDispatchInfo.Capture(ex));
            throw;
        }
    }

    private sealed record Entry(long Sequence, int Round, ClientReply? Reply, ExceptionDispatchInfo? Error);
}
