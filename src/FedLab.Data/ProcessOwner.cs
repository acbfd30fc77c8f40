using System.Diagnostics;

namespace FedLab.Data;

/// <summary>
/// The process that owns a queued or running run: host, pid and the process's start time (so a pid reused by
/// another program does not count as the owner). SQLite in WAL mode only works between processes on one
/// host, so an owner on another host cannot be using this database now.
/// </summary>
internal sealed record ProcessOwner(string Host, int Pid, DateTime StartedAt)
{
    private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(2);

    public static ProcessOwner Current { get; } = Describe();

    private static ProcessOwner Describe()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessOwner(Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime());
    }

    public static bool IsAlive(string? host, int? pid, DateTime? startedAt)
    {
        if (host is null || pid is not int id || startedAt is not DateTime start || host != Current.Host)
        {
            return false;
        }
        if (id == Current.Pid)
        {
            return Near(start, Current.StartedAt);
        }
        if (IsZombie(id))
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited && Near(process.StartTime.ToUniversalTime(), start);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // no such process (or it exited while we looked)
        }
    }

    private static bool Near(DateTime a, DateTime b) => (a - b).Duration() <= StartTolerance;

    /// <summary>A killed child not yet reaped by its parent still has a pid; it runs nothing.</summary>
    private static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
