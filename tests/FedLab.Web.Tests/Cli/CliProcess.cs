using System.Diagnostics;
using System.Text;

namespace FedLab.Web.Tests.Cli;

/// <summary>Runs the real FedLab.Web CLI (the built FedLab.Web.dll) as a child process in its own temp folder.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    public CliProcess(params string[] args)
        : this(new Dictionary<string, string>(), args)
    {
    }

    /// <param name="environment">Extra environment variables for the child (e.g. settings as FEDLAB__X).</param>
    public CliProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("fedlab-cli-").FullName;
        // A parent that ignores SIGINT (a CI job started in the background) passes SIG_IGN on, and .NET keeps
        // an inherited SIG_IGN; env resets it so the child sees Ctrl+C as a terminal user's process would.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FedLab.Web.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        // Share the converted-weights cache with the other test projects' runs of this test assembly.
        start.Environment["FEDLAB_CACHE_DIR"] = Path.Combine(AppContext.BaseDirectory, "model-cache");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string WorkingDirectory { get; }
    public int Pid => _process.Id;

    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }
    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flush the async readers
        return _process.ExitCode;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' not seen. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
            await Task.Delay(100);
        }
    }

    public void SendInterrupt()
    {
        using var kill = Process.Start("kill", ["-INT", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }
}
