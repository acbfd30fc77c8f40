using FedLab.Cluster;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Cluster;

/// <summary>
/// A worker answers a call the coordinator sends again (after a gateway died with the call or its answer out) once:
/// from its ledger, never by doing the work twice; a stale copy is refused; a later round frees the earlier replies.
/// </summary>
public sealed class ClusterReplyLedgerTests
{
    private static ClientCall Call(int client, int round, string operation = "forward") => new("split", operation, round, client, []);

    private static ClientReply Reply(byte marker) => new([new Payload(PayloadKind.Activations, [marker])]);

    [Fact]
    public void ACallSentAgain_IsAnsweredFromTheLedger_WithoutDoingTheWorkTwice()
    {
        var ledger = new ReplyLedger();
        int done = 0;
        var first = ledger.Answer(1, Call(3, 1), () => Reply((byte)++done));
        var again = ledger.Answer(1, Call(3, 1), () => Reply((byte)++done));

        Assert.Equal(1, done);
        Assert.Same(first, again);
        Assert.Equal(1, ledger.Replayed);
        var next = ledger.Answer(2, Call(3, 1, "backward"), () => Reply((byte)++done));
        Assert.Equal(2, done);
        Assert.Equal(2, next.Payloads[0].Bytes[0]);
    }

    [Fact]
    public void ACallThatFailed_FailsAgainWhenSentAgain_WithoutRunning()
    {
        var ledger = new ReplyLedger();
        int done = 0;
        var error = Assert.Throws<InvalidOperationException>(() => ledger.Answer(1, Call(0, 1), () => { done++; throw new InvalidOperationException("client 0 has no split turn open"); }));
        var repeated = Assert.Throws<InvalidOperationException>(() => ledger.Answer(1, Call(0, 1), () => { done++; return Reply(1); }));

        Assert.Equal(1, done);
        Assert.Equal(error.Message, repeated.Message);
    }

    [Fact]
    public void AStaleCopy_IsRefused_AndNotDone()
    {
        var ledger = new ReplyLedger();
        int done = 0;
        ledger.Answer(1, Call(2, 1), () => Reply((byte)++done));
        ledger.Answer(2, Call(2, 1), () => Reply((byte)++done));

        var stale = Assert.Throws<InvalidOperationException>(() => ledger.Answer(1, Call(2, 1), () => Reply((byte)++done)));
        Assert.Contains("stale", stale.Message);
        Assert.Equal(2, done);
    }

    [Fact]
    public void ClientsAreNumberedApart_AndALaterRoundFreesTheEarlierReplies()
    {
        var ledger = new ReplyLedger();
        ledger.Answer(1, Call(0, 1), () => Reply(1));
        ledger.Answer(1, Call(1, 1), () => Reply(2));
        Assert.Equal(2, ledger.Held);

        ledger.Answer(2, Call(0, 2), () => Reply(3));
        Assert.Equal(1, ledger.Held); // client 1's round-1 reply is gone; it is never asked for again
        var stale = Assert.Throws<InvalidOperationException>(() => ledger.Answer(1, Call(1, 1), () => Reply(4)));
        Assert.Contains("stale", stale.Message);
    }

    [Fact]
    public void AnUnnumberedCall_IsAlwaysDone()
    {
        var ledger = new ReplyLedger();
        int done = 0;
        ledger.Answer(0, Call(0, 1), () => Reply((byte)++done));
        ledger.Answer(0, Call(0, 1), () => Reply((byte)++done));
        Assert.Equal(2, done);
        Assert.Equal(0, ledger.Held);
    }
}
