namespace FedLab.Bench;

internal static class EngineBenchmark
{
    public static void Run(TextWriter output) => output.WriteLine("(written next)");
}
