using System.Security.Cryptography;

namespace FedLab.DataImport;

internal static class Hashing
{
    public static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256Bytes(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
