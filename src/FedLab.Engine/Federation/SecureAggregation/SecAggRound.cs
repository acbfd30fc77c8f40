using System.Security.Cryptography;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// One round of the protocol's set-up, run for every participant: two X25519 key pairs each (c for encrypting shares,
/// s for pairwise masks), a self-mask seed b, and t-out-of-n Shamir shares of s_sk and b, encrypted with AES-GCM under
/// the pairwise c key for each other participant (the server only routes ciphertexts). Secrets derive from
/// (seed, round, client), so a run is reproducible.
/// </summary>
public sealed class SecAggRound
{
    public const int PublicKeyMessageBytes = 4 + 32 + 32; // client id + c_pk + s_pk
    private const int RoutingBytes = 8;                    // from and to ids

    private readonly Dictionary<int, Party> _parties = [];
    private readonly Dictionary<(int From, int To), byte[]> _ciphertexts = [];
    private readonly Dictionary<int, Shamir.Share> _ownSelfShare = [];

    private sealed record Party(int Client, int X, byte[] CSecret, byte[] CPublic, byte[] SSecret, byte[] SPublic, byte[] SelfSeed);

    public SecAggRound(long seed, int round, IReadOnlyList<int> participants, double thresholdFraction)
    {
        Round = round;
        Participants = participants;
        Threshold = Math.Min(participants.Count, (int)Math.Floor(thresholdFraction * participants.Count) + 1);
        for (int i = 0; i < participants.Count; i++)
        {
            int c = participants[i];
            var cSecret = Secret(seed, round, c, 1);
            var sSecret = Secret(seed, round, c, 2);
            _parties[c] = new Party(c, i + 1, cSecret, X25519.PublicKey(cSecret), sSecret, X25519.PublicKey(sSecret), Secret(seed, round, c, 3));
        }
        foreach (var from in participants)
        {
            var party = _parties[from];
            var random = new Random(unchecked((int)SeedMix.Derive(seed, round, from, 0x5A4E)));
            var sShares = Shamir.Split(party.SSecret, Threshold, participants.Count, random);
            var bShares = Shamir.Split(party.SelfSeed, Threshold, participants.Count, random);
            foreach (var to in participants.Where(t => t != from))
            {
                int x = _parties[to].X;
                var plain = new byte[8 + 2 * Shamir.ShareBytes];
                BitConverter.TryWriteBytes(plain.AsSpan(0, 4), from);
                BitConverter.TryWriteBytes(plain.AsSpan(4, 4), to);
                Shamir.Serialize(sShares[x - 1]).CopyTo(plain, 8);
                Shamir.Serialize(bShares[x - 1]).CopyTo(plain, 8 + Shamir.ShareBytes);
                _ciphertexts[(from, to)] = Encrypt(ChannelKey(party.CSecret, _parties[to].CPublic), plain, SeedMix.Derive(seed, round, from, to));
            }
            _ownSelfShare[from] = bShares[party.X - 1]; // each participant keeps its own share of b
        }
    }

    public int Round { get; }

    public IReadOnlyList<int> Participants { get; }

    /// <summary>t: shares needed to rebuild a secret; fewer survivors than t abort the round.</summary>
    public int Threshold { get; }

    public bool Takes(int client) => _parties.ContainsKey(client);

    /// <summary>s_ij = X25519(s_sk_i, s_pk_j), the seed of the pairwise mask of i and j (the same from both ends).</summary>
    public byte[] PairSeed(int client, int other) => X25519.SharedSecret(_parties[client].SSecret, _parties[other].SPublic);

    public byte[] SelfSeed(int client) => _parties[client].SelfSeed;

    /// <summary>The pairwise seed of a dropped client and a survivor, rebuilt from the dropped one's s_sk as the survivors revealed it.</summary>
    public static byte[] PairSeed(byte[] secretOfDropped, byte[] publicOfSurvivor) => X25519.SharedSecret(secretOfDropped, publicOfSurvivor);

    public byte[] SPublic(int client) => _parties[client].SPublic;

    /// <summary>
    /// Unmasking: each of <paramref name="holders"/> decrypts the share <paramref name="owner"/> sent it and reveals the
    /// share of s_sk (dropped owner) or of b (surviving owner); t of them rebuild the secret.
    /// </summary>
    public byte[] Reveal(int owner, bool secretKey, IEnumerable<int> holders)
    {
        var shares = new List<Shamir.Share>();
        var list = holders.ToList();
        if (!secretKey && list.Contains(owner))
        {
            shares.Add(_ownSelfShare[owner]); // a survivor reveals its own share of b too (never of its s_sk)
        }
        foreach (var holder in list.Where(h => h != owner).Take(Threshold - shares.Count))
        {
            var plain = Decrypt(ChannelKey(_parties[holder].CSecret, _parties[owner].CPublic), _ciphertexts[(owner, holder)]);
            shares.Add(Shamir.Deserialize(plain.AsSpan(8 + (secretKey ? 0 : Shamir.ShareBytes), Shamir.ShareBytes)));
        }
        if (shares.Count < Threshold)
        {
            throw new InvalidOperationException($"{shares.Count} shares of client {owner}'s secret, {Threshold} needed");
        }
        return Shamir.Combine(shares, 32);
    }

    /// <summary>The message advertising <paramref name="client"/>'s public keys: its id, c_pk and s_pk.</summary>
    public byte[] KeyMessage(int client)
    {
        var party = _parties[client];
        var bytes = new byte[PublicKeyMessageBytes];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), client);
        party.CPublic.CopyTo(bytes, 4);
        party.SPublic.CopyTo(bytes, 36);
        return bytes;
    }

    /// <summary>What the server forwards to <paramref name="client"/>: every other participant's key message.</summary>
    public byte[] KeysFor(int client) => Participants.Where(c => c != client).SelectMany(KeyMessage).ToArray();

    /// <summary>The encrypted shares <paramref name="client"/> sends, each with its from and to ids.</summary>
    public byte[] SharesFrom(int client) => Routed(_ciphertexts.Where(c => c.Key.From == client));

    /// <summary>The encrypted shares addressed to <paramref name="client"/>, as the server forwards them.</summary>
    public byte[] SharesTo(int client) => Routed(_ciphertexts.Where(c => c.Key.To == client));

    private static byte[] Routed(IEnumerable<KeyValuePair<(int From, int To), byte[]>> messages)
    {
        var bytes = new List<byte>();
        foreach (var ((from, to), cipher) in messages.OrderBy(m => m.Key))
        {
            bytes.AddRange(BitConverter.GetBytes(from));
            bytes.AddRange(BitConverter.GetBytes(to));
            bytes.AddRange(cipher);
        }
        return bytes.ToArray();
    }

    /// <summary>Bytes a survivor sends to unmask: one share (of b or of s_sk) per other participant.</summary>
    public long UnmaskBytes => (Participants.Count - 1L) * (RoutingBytes + Shamir.ShareBytes);

    private static byte[] Secret(long seed, int round, int client, int purpose)
    {
        Span<byte> material = stackalloc byte[8];
        BitConverter.TryWriteBytes(material, SeedMix.Derive(seed, round, client, purpose, 0x5ECA66));
        return SHA256.HashData(material);
    }

    private static byte[] ChannelKey(byte[] secret, byte[] otherPublic) => SHA256.HashData(X25519.SharedSecret(secret, otherPublic));

    private static byte[] Encrypt(byte[] key, byte[] plain, long nonceSeed)
    {
        var result = new byte[12 + plain.Length + 16];
        BitConverter.TryWriteBytes(result.AsSpan(0, 8), nonceSeed);
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(result.AsSpan(0, 12), plain, result.AsSpan(12, plain.Length), result.AsSpan(12 + plain.Length, 16));
        return result;
    }

    private static byte[] Decrypt(byte[] key, byte[] cipher)
    {
        int length = cipher.Length - 28;
        var plain = new byte[length];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(cipher.AsSpan(0, 12), cipher.AsSpan(12, length), cipher.AsSpan(12 + length, 16), plain);
        return plain;
    }
}
