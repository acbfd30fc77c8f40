namespace FedLab.Engine.Performance;

/// <summary>What the CPU reports about bfloat16 arithmetic (Linux: the flags line of /proc/cpuinfo).</summary>
public static class CpuFeatures
{
    private static readonly Lazy<bool> Bf16 = new(() => SupportsBf16In(ReadCpuInfo()));

    /// <summary>True when the CPU has AVX-512 BF16 or AMX-BF16 (oneDNN then runs bf16 matmuls natively).</summary>
    public static bool SupportsBf16 => Bf16.Value;

    /// <summary>True when a /proc/cpuinfo text lists avx512_bf16 or amx_bf16 among a processor's flags.</summary>
    public static bool SupportsBf16In(string cpuInfo)
    {
        foreach (var line in cpuInfo.Split('\n'))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal))
            {
                continue;
            }
            var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"))
            {
                return true;
            }
        }
        return false;
    }

    private static string ReadCpuInfo()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
