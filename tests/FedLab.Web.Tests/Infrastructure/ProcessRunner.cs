using System.Diagnostics;
using System.Text;

namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Runs a child process to completion (or kills it at the timeout) and returns its exit code and output.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout.TotalSeconds:F0} s; output: {output} {error}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString(), error.ToString());
    }
}
