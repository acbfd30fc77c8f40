using FedLab.Engine.Federation.SecureAggregation;

namespace FedLab.Engine.Tests.Federation.SecureAggregation;

/// <summary>The kept X25519 against RFC 7748 (section 5.2 and 6.1 test vectors), and Shamir sharing.</summary>
public sealed class X25519Tests
{
    [Fact]
    public void ScalarMult_MatchesRfc7748Vector()
    {
        var scalar = Convert.FromHexString("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        var u = Convert.FromHexString("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        Assert.Equal("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Convert.ToHexStringLower(X25519.ScalarMult(scalar, u)));
    }

    [Fact]
    public void DiffieHellman_MatchesRfc7748Section61()
    {
        var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bob = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = X25519.PublicKey(alice);
        var bobPublic = X25519.PublicKey(bob);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alicePublic));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bobPublic));
        var shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(shared, Convert.ToHexStringLower(X25519.SharedSecret(alice, bobPublic)));
        Assert.Equal(shared, Convert.ToHexStringLower(X25519.SharedSecret(bob, alicePublic)));
    }

    [Fact]
    public void Shamir_AnyThresholdSubsetRebuildsTheSecret_FewerDoNot()
    {
        var secret = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var shares = Shamir.Split(secret, threshold: 3, shares: 5, new Random(1));
        Assert.Equal(secret, Shamir.Combine([shares[0], shares[2], shares[4]], 32));
        Assert.Equal(secret, Shamir.Combine([shares[3], shares[1], shares[0]], 32));
        Assert.Equal(secret, Shamir.Combine(shares.Select(s => Shamir.Deserialize(Shamir.Serialize(s))).Take(3).ToList(), 32));
        bool twoRebuild;
        try
        {
            twoRebuild = Shamir.Combine([shares[0], shares[1]], 32).SequenceEqual(secret);
        }
        catch (InvalidOperationException)
        {
            twoRebuild = false;
        }
        Assert.False(twoRebuild);
    }

    [Fact]
    public void MaskPrg_IsDeterministicPerSeed()
    {
        var a = MaskPrg.Expand(new byte[32], 5);
        Assert.Equal(a, MaskPrg.Expand(new byte[32], 5));
        Assert.NotEqual(a, MaskPrg.Expand(Enumerable.Repeat((byte)1, 32).ToArray(), 5));
    }
}
