using System.Numerics;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// X25519 key agreement (RFC 7748, section 5: the Montgomery ladder on Curve25519). .NET's ECDiffieHellman does not
/// offer Curve25519 on Linux/OpenSSL here (PlatformNotSupportedException for "curve25519" and OID 1.3.101.110,
/// checked with .NET 10.0.401), so this is a kept implementation, tested against RFC 7748's vectors. It is
/// written for clarity with BigInteger and is NOT constant-time: fine for a simulation, not for production keys.
/// </summary>
public static class X25519
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger A24 = 121665;

    /// <summary>The base point's u-coordinate, 9.</summary>
    public static byte[] BasePoint { get; } = U(9);

    public static byte[] PublicKey(ReadOnlySpan<byte> secretKey) => ScalarMult(secretKey, BasePoint);

    public static byte[] SharedSecret(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> publicKey) => ScalarMult(secretKey, publicKey);

    /// <summary>X25519(k, u) of RFC 7748: 32-byte little-endian scalar and u-coordinate in, 32 bytes out.</summary>
    public static byte[] ScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> u)
    {
        if (scalar.Length != 32 || u.Length != 32)
        {
            throw new ArgumentException("X25519 takes 32-byte scalars and u-coordinates");
        }
        var k = scalar.ToArray();
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        var uBytes = u.ToArray();
        uBytes[31] &= 127; // the most significant bit of u is ignored
        var x1 = new BigInteger(uBytes, isUnsigned: true, isBigEndian: false) % P;
        BigInteger x2 = 1, z2 = 0, x3 = x1, z3 = 1;
        int swap = 0;
        for (int t = 254; t >= 0; t--)
        {
            int kt = (k[t >> 3] >> (t & 7)) & 1;
            swap ^= kt;
            if (swap == 1)
            {
                (x2, x3) = (x3, x2);
                (z2, z3) = (z3, z2);
            }
            swap = kt;
            var a = Mod(x2 + z2);
            var aa = Mod(a * a);
            var b = Mod(x2 - z2);
            var bb = Mod(b * b);
            var e = Mod(aa - bb);
            var c = Mod(x3 + z3);
            var d = Mod(x3 - z3);
            var da = Mod(d * a);
            var cb = Mod(c * b);
            x3 = Mod((da + cb) * (da + cb));
            z3 = Mod(x1 * Mod((da - cb) * (da - cb)));
            x2 = Mod(aa * bb);
            z2 = Mod(e * (aa + A24 * e));
        }
        if (swap == 1)
        {
            (x2, x3) = (x3, x2);
            (z2, z3) = (z3, z2);
        }
        var result = Mod(x2 * BigInteger.ModPow(z2, P - 2, P));
        return ToBytes(result);
    }

    private static BigInteger Mod(BigInteger x)
    {
        var r = x % P;
        return r.Sign < 0 ? r + P : r;
    }

    private static byte[] U(int value) => ToBytes(new BigInteger(value));

    private static byte[] ToBytes(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }
}
