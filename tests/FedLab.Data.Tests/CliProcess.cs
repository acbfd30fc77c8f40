using System.Diagnostics;

namespace FedLab.Data.Tests;

/// <summary>Starts the real FedLab CLI (<c>dotnet FedLab.Web.dll ...</c> from its build output) against a test's data folder.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<string> _errors = [];
    private readonly Func<string, bool>? _watchFor;
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(string dataDirectory, string[] args, Func<string, bool>? watchFor)
    {
        _watchFor = watchFor;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(WebDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["FEDLAB__DATADIRECTORY"] = dataDirectory;
        start.Environment["FEDLAB__ENGINETHREADS"] = TinySpecs.EngineThreads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FEDLAB_CACHE_DIR"] = Path.Combine(AppContext.BaseDirectory, "model-cache");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _output, watch: true);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _errors, watch: false);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return string.Join('\n', _errors);
            }
        }
    }

    /// <summary>The FedLab.Web build output next to this test project's (same configuration).</summary>
    public static string WebDll { get; } = FindWebDll();

    public static CliProcess Start(string dataDirectory, string[] args, Func<string, bool>? watchFor = null) => new(dataDirectory, args, watchFor);

    /// <summary>Runs a command to completion; returns exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string dataDirectory, params string[] args)
    {
        using var cli = Start(dataDirectory, args);
        int exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, cli.Output, cli.Errors);
    }

    /// <summary>Completes when a stdout line satisfied the watch predicate; fails if the process ended first.</summary>
    public async Task WaitForLineAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_seen.Task, exited, Task.Delay(timeout));
        if (first != _seen.Task)
        {
            throw new TimeoutException($"the CLI did not print the expected line (exited: {_process.HasExited}).\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
    }

    /// <summary>SIGKILL on Linux: no handler runs, nothing is flushed, exactly like a crash.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(); // also reaps it, so its pid is gone
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void OnLine(string? line, List<string> lines, bool watch)
    {
        if (line is null)
        {
            return;
        }
        lock (lines)
        {
            lines.Add(line);
        }
        if (watch && _watchFor?.Invoke(line) == true)
        {
            _seen.TrySetResult();
        }
    }

    private static string FindWebDll()
    {
        // tests/FedLab.Data.Tests/bin/<Configuration>/<tfm>/ -> src/FedLab.Web/bin/<Configuration>/<tfm>/FedLab.Web.dll
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        for (var dir = configuration.Parent; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "FedLab.Web", "bin", configuration.Name, tfm.Name, "FedLab.Web.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"build FedLab.Web first: {dll} is missing", dll);
            }
        }
        throw new DirectoryNotFoundException("FedLab.sln not found above " + AppContext.BaseDirectory);
    }
}
