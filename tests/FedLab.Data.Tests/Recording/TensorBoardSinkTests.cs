using System.Buffers.Binary;
using FedLab.Data.Export;
using FedLab.Engine.Runs;
using Google.Protobuf;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Recording;

/// <summary>Runs write TensorBoard event files that a TFRecord/Event reader (as TensorBoard's) reads back.</summary>
public sealed class TensorBoardSinkTests
{
    [Fact]
    public void Rounds_AreScalarsByStep_CostsCumulative_NamedMetricsUnderTheirNames()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-tb-").FullName;
        var runId = Guid.NewGuid();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 2) with { Name = "tiny run / α" };
        using (var sink = new TensorBoardSink(folder, runId))
        {
            sink.Publish(Started(runId, spec));
            for (int r = 0; r <= 2; r++)
            {
                var clients = r == 0 ? [] : Enumerable.Range(0, 2).Select(c => Client(r, c)).ToList();
                var round = Round(r, 0.5 + r / 10.0, clients) with { Extra = new Dictionary<string, double> { ["privacy.epsilon"] = r * 1.5 } };
                sink.Publish(new RoundFinished(runId, T0.AddSeconds(r), round, 2, null));
            }
            sink.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.7, 0.7, 60));
            Assert.Equal(Path.Combine(folder, "tiny_run-" + runId.ToString("N")[..8]), sink.RunDirectory);
        }
        var file = Assert.Single(Directory.GetFiles(Path.Combine(folder, TensorBoardSink.FolderName(spec.Name, runId)), "events.out.tfevents.*"));
        var scalars = ReadScalars(file);

        Assert.Equal([0.5f, 0.6f, 0.7f], Series(scalars, "test/accuracy"));
        Assert.Equal([0f, 1.5f, 3f], Series(scalars, "privacy/epsilon"));
        // Each client sends 1,000 bytes a round: 2 clients → 0.002 MB a round, summed over rounds.
        Assert.Equal([0f, 0.002f, 0.004f], Series(scalars, "cost/mb_up"));
        Assert.Equal([1, 2], scalars.Where(s => s.Tag == "train/loss").Select(s => s.Step));
    }

    private static float[] Series(List<(long Step, string Tag, float Value)> scalars, string tag) =>
        [.. scalars.Where(s => s.Tag == tag).OrderBy(s => s.Step).Select(s => MathF.Round(s.Value, 6))];

    /// <summary>TFRecord framing (length, masked CRC, data, masked CRC) of Event protos: step = 2, summary = 5 (value = 1: tag = 1, simple_value = 2).</summary>
    private static List<(long Step, string Tag, float Value)> ReadScalars(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var scalars = new List<(long, string, float)>();
        for (int at = 0; at < bytes.Length;)
        {
            long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
            var data = bytes.AsSpan(at + 12, (int)length).ToArray();
            at += 12 + (int)length + 4;
            var input = new CodedInputStream(data);
            long step = 0;
            var values = new List<(string, float)>();
            for (uint tag; (tag = input.ReadTag()) != 0;)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 2: step = input.ReadInt64(); break;
                    case 5: values.AddRange(ReadSummary(input.ReadBytes())); break;
                    default: input.SkipLastField(); break;
                }
            }
            scalars.AddRange(values.Select(v => (step, v.Item1, v.Item2)));
        }
        return scalars;
    }

    private static IEnumerable<(string, float)> ReadSummary(ByteString summary)
    {
        var input = new CodedInputStream(summary.ToByteArray());
        var values = new List<(string, float)>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                input.SkipLastField();
                continue;
            }
            var value = new CodedInputStream(input.ReadBytes().ToByteArray());
            string name = "";
            float number = float.NaN;
            for (uint t; (t = value.ReadTag()) != 0;)
            {
                switch (WireFormat.GetTagFieldNumber(t))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: number = value.ReadFloat(); break;
                    default: value.SkipLastField(); break;
                }
            }
            values.Add((name, number));
        }
        return values;
    }
}
