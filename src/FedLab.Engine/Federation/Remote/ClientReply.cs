namespace FedLab.Engine.Federation.Remote;

/// <summary>What a client program answers: the payloads the client sends, a small result record, and uncounted side state.</summary>
public sealed record ClientReply(IReadOnlyList<Payload> Payloads, ClientProgramResult? Result = null, byte[]? Side = null)
{
    public static ClientReply Empty { get; } = new([]);
}
