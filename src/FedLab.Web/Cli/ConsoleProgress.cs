using System.Diagnostics;
using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// A live progress bar within each round when the output is a terminal: clients done of the round's clients, with the
/// round's and the run's estimated time left, redrawn in place (carriage return) and cleared before the round's line.
/// Off when the output is redirected (a file or a pipe gets the plain round lines only).
/// </summary>
internal sealed class ConsoleProgress(TextWriter terminal) : IRunEventSink
{
    private const int BarWidth = 24;
    private readonly Stopwatch _round = new();
    private readonly Stopwatch _run = new();
    private int _perRound;
    private int _totalRounds;
    private int _done;
    private int _roundsDone;
    private int _current;
    private int _width;

    public static bool IsTerminal => !Console.IsOutputRedirected;

    public void Publish(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted s:
                _perRound = Math.Max(1, ClientSampler.CountFor(s.Spec.Partition.Clients, s.Spec.Training.ClientFraction));
                _totalRounds = s.Spec.Training.Rounds;
                _current = Math.Max(1, s.FirstRound);
                _run.Restart();
                _round.Restart();
                break;
            case ClientRoundFinished or ClientRoundFailed:
                _done++;
                Draw();
                break;
            case RoundFinished r:
                Clear();
                if (r.Metrics.Round > 0)
                {
                    _roundsDone++;
                }
                _current = r.Metrics.Round + 1;
                _done = 0;
                _round.Restart();
                break;
            case RunFinished or RunFailed or RunCancelled:
                Clear();
                break;
        }
    }

    private void Draw()
    {
        double fraction = Math.Min(1, _done / (double)_perRound);
        int filled = (int)Math.Round(fraction * BarWidth);
        double roundLeft = _done == 0 ? double.NaN : _round.Elapsed.TotalSeconds / _done * Math.Max(0, _perRound - _done);
        int roundsLeft = Math.Max(0, _totalRounds - _current);
        double perRound = _roundsDone > 0 ? _run.Elapsed.TotalSeconds / _roundsDone : _round.Elapsed.TotalSeconds / Math.Max(fraction, 1e-9);
        double runLeft = roundLeft + roundsLeft * perRound;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"round {_current}/{_totalRounds} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done}/{_perRound} clients  ETA round {Eta(roundLeft)}, run {Eta(runLeft)}");
        _width = Math.Max(_width, line.Length);
        terminal.Write("\r" + line.PadRight(_width));
        terminal.Flush();
    }

    private void Clear()
    {
        if (_width > 0)
        {
            terminal.Write("\r" + new string(' ', _width) + "\r");
            terminal.Flush();
            _width = 0;
        }
    }

    private static string Eta(double seconds) => double.IsFinite(seconds)
        ? seconds < 90 ? $"{seconds:F0} s" : seconds < 5400 ? $"{seconds / 60:F1} min" : $"{seconds / 3600:F1} h"
        : "…";
}
