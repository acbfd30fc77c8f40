using FedLab.Engine.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace FedLab.Data.Export;

/// <summary>
/// Writes a run's round metrics as TensorBoard event files (TorchSharp's SummaryWriter, the format
/// <c>tensorboard --logdir</c> reads), one folder per run: <c>&lt;directory&gt;/&lt;run name&gt;-&lt;id&gt;</c>. Step = round.
/// Scalars: <c>test/accuracy</c>, <c>test/macro_f1</c>, <c>test/loss</c>, <c>train/loss</c>, <c>clients/accuracy_mean</c>
/// (KD), <c>cost/mb_up</c>, <c>cost/mb_down</c> and <c>cost/client_tflops</c> (cumulative, so a chart of them against the
/// step is the cost curve), <c>time/round_seconds</c>, and every named metric under its own name with '.' as '/'
/// (<c>validation/accuracy</c>, <c>privacy/epsilon</c>). Turned on by FedLab:TensorBoardDirectory.
/// </summary>
public sealed class TensorBoardSink : IRunEventSink, IDisposable
{
    private readonly string _directory;
    private readonly Guid _runId;
    private SummaryWriter? _writer;
    private double _mbUp, _mbDown, _tflops;

    /// <param name="totals">What the run had already sent and computed before a resume (its stored totals), so the
    /// cumulative cost scalars continue where they were.</param>
    public TensorBoardSink(string directory, Guid runId, (double MbUp, double MbDown, double ClientTflops)? totals = null)
    {
        _directory = directory;
        _runId = runId;
        (_mbUp, _mbDown, _tflops) = totals ?? (0, 0, 0);
    }

    /// <summary>The run's event folder (created at its start).</summary>
    public string? RunDirectory { get; private set; }

    public void Publish(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted started:
                RunDirectory = Path.Combine(_directory, FolderName(started.Spec.Name, _runId));
                Directory.CreateDirectory(RunDirectory);
                _writer ??= SummaryWriter(RunDirectory);
                break;
            case RoundFinished finished when _writer is not null:
                Write(finished.Metrics);
                break;
        }
    }

    private void Write(RoundMetrics m)
    {
        var w = _writer!;
        int step = m.Round;
        Scalar(w, "test/accuracy", m.Global.Accuracy, step);
        Scalar(w, "test/macro_f1", m.Global.MacroF1, step);
        Scalar(w, "test/loss", m.Global.Loss, step);
        if (m.TrainLoss is double train)
        {
            Scalar(w, "train/loss", train, step);
        }
        if (m.ClientAccuracyMean is double mean)
        {
            Scalar(w, "clients/accuracy_mean", mean, step);
        }
        _mbUp += m.BytesUp / 1e6;
        _mbDown += m.BytesDown / 1e6;
        _tflops += m.ClientFlops / 1e12;
        Scalar(w, "cost/mb_up", _mbUp, step);
        Scalar(w, "cost/mb_down", _mbDown, step);
        Scalar(w, "cost/client_tflops", _tflops, step);
        Scalar(w, "time/round_seconds", m.WallSeconds, step);
        foreach (var (name, value) in m.Extra ?? new Dictionary<string, double>())
        {
            Scalar(w, name.Replace('.', '/'), value, step);
        }
    }

    private static void Scalar(SummaryWriter writer, string tag, double value, int step)
    {
        if (double.IsFinite(value))
        {
            writer.add_scalar(tag, (float)value, step);
        }
    }

    /// <summary>"FedLLM on spam" + id → "FedLLM_on_spam-1a2b3c4d": safe on every file system, unique per run.</summary>
    public static string FolderName(string runName, Guid runId)
    {
        var safe = new string([.. runName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]).Trim('_');
        if (safe.Length > 60)
        {
            safe = safe[..60];
        }
        return (safe.Length == 0 ? "run" : safe) + "-" + runId.ToString("N")[..8];
    }

    // TorchSharp's writer appends each event to its file as it is added: nothing is buffered to flush.
    public void Dispose() => _writer = null;
}
