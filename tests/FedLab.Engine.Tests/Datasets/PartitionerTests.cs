using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

public sealed class PartitionerTests
{
    /// <summary>Imbalanced labels: class k has 30 + 15k examples, interleaved.</summary>
    private static int[] Labels(int numClasses = 5)
    {
        var labels = new List<int>();
        for (int k = 0; k < numClasses; k++)
        {
            labels.AddRange(Enumerable.Repeat(k, 30 + 15 * k));
        }
        new SeededRandom(99).Shuffle(labels);
        return [.. labels];
    }

    private static ClientPartition Split(int[] labels, PartitionKind kind, int clients, int seed,
        double alpha = 0.5, int shards = 2, int numClasses = 5) =>
        Partitioner.Split(labels, numClasses, clients, kind, alpha, shards, seed);

    public static TheoryData<PartitionKind, int, int> Cases()
    {
        var data = new TheoryData<PartitionKind, int, int>();
        foreach (PartitionKind kind in Enum.GetValues<PartitionKind>())
        {
            foreach (int clients in new[] { 1, 3, 10, 50 })
            {
                foreach (int seed in new[] { 0, 1, 42 })
                {
                    data.Add(kind, clients, seed);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryExampleExactlyOnce_EveryClientNonEmpty_HistogramsMatch(PartitionKind kind, int clients, int seed)
    {
        int[] labels = Labels();
        ClientPartition p = Split(labels, kind, clients, seed);

        Assert.Equal(clients, p.Clients);
        Assert.Equal(Enumerable.Range(0, labels.Length), p.ClientIndices.SelectMany(i => i).Order());
        for (int c = 0; c < clients; c++)
        {
            int[] indices = p.ClientIndices[c];
            Assert.NotEmpty(indices);
            Assert.Equal(indices.Order(), indices); // ascending
            Assert.Equal(indices.Length, p.LabelHistograms[c].Sum());
            for (int k = 0; k < 5; k++)
            {
                Assert.Equal(indices.Count(i => labels[i] == k), p.LabelHistograms[c][k]);
            }
        }
    }

    [Theory]
    [InlineData(PartitionKind.Iid)]
    [InlineData(PartitionKind.Dirichlet)]
    [InlineData(PartitionKind.Shards)]
    public void SameSeedSameResult_OtherSeedOtherResult(PartitionKind kind)
    {
        int[] labels = Labels();
        ClientPartition a = Split(labels, kind, 8, seed: 5);
        ClientPartition b = Split(labels, kind, 8, seed: 5);
        ClientPartition c = Split(labels, kind, 8, seed: 6);
        Assert.Equal(a.ClientIndices, b.ClientIndices);
        Assert.NotEqual(a.ClientIndices, c.ClientIndices);
    }

    [Fact]
    public void Iid_SizesDifferByAtMostOne_AndSkewIsSmall()
    {
        int[] labels = Labels();
        ClientPartition p = Split(labels, PartitionKind.Iid, 7, seed: 3);
        int[] sizes = [.. p.ClientIndices.Select(i => i.Length)];
        Assert.True(sizes.Max() - sizes.Min() <= 1);
        Assert.True(Partitioner.MeanLabelSkew(p, 5) < 0.15);
    }

    [Fact]
    public void Shards_EachClientSeesAboutKLabels()
    {
        // 10 classes x 100: 20 clients x 2 shards = 40 shards of 25, so shards never straddle a class.
        int[] aligned = [.. Enumerable.Range(0, 1000).Select(i => i % 10)];
        foreach (int seed in new[] { 1, 2, 3 })
        {
            ClientPartition p = Partitioner.Split(aligned, 10, 20, PartitionKind.Shards, 0, 2, seed);
            Assert.All(p.LabelHistograms, h => Assert.InRange(h.Count(n => n > 0), 1, 2));
        }

        // Imbalanced: a shard may straddle a class boundary, so at most 2k labels, about k on average.
        int[] labels = Labels();
        foreach (int k in new[] { 1, 2, 3 })
        {
            ClientPartition p = Split(labels, PartitionKind.Shards, 10, seed: 4, shards: k);
            int[] seen = [.. p.LabelHistograms.Select(h => h.Count(n => n > 0))];
            Assert.All(seen, s => Assert.InRange(s, 1, 2 * k));
            Assert.True(seen.Average() <= k + 1, $"k={k}: mean labels per client {seen.Average()}");
        }
    }

    [Fact]
    public void Dirichlet_SkewGrowsAsAlphaFalls()
    {
        int[] labels = Labels();
        double Skew(double alpha) => new[] { 1, 2, 3, 4, 5 }
            .Average(seed => Partitioner.MeanLabelSkew(Split(labels, PartitionKind.Dirichlet, 10, seed, alpha), 5));

        double high = Skew(100), mid = Skew(1), low = Skew(0.1);
        Assert.True(high < mid && mid < low, $"skew alpha=100: {high:F3}, 1: {mid:F3}, 0.1: {low:F3}");
        Assert.True(high < 0.15, $"alpha=100 should be near IID, got {high:F3}");
        Assert.True(low > 0.5, $"alpha=0.1 should be strongly skewed, got {low:F3}");
    }

    [Fact]
    public void Dirichlet_TinyAlphaManyClients_StillNoEmptyClient()
    {
        int[] labels = [.. Enumerable.Range(0, 60).Select(i => i % 3)];
        foreach (int seed in Enumerable.Range(0, 10))
        {
            ClientPartition p = Partitioner.Split(labels, 3, 50, PartitionKind.Dirichlet, 0.01, 0, seed);
            Assert.All(p.ClientIndices, Assert.NotEmpty);
            Assert.Equal(60, p.ClientIndices.Sum(i => i.Length));
        }
    }

    [Fact]
    public void MeanLabelSkew_KnownValues()
    {
        var pure = new ClientPartition([[0, 1], [2, 3]], [[2, 0], [0, 2]]);
        Assert.Equal(0.5, Partitioner.MeanLabelSkew(pure, 2), 10);
        var mixed = new ClientPartition([[0, 2], [1, 3]], [[1, 1], [1, 1]]);
        Assert.Equal(0.0, Partitioner.MeanLabelSkew(mixed, 2), 10);
    }

    [Fact]
    public void InvalidArguments_HaveClearMessages()
    {
        int[] labels = [0, 1, 0, 1];
        var tooMany = Assert.Throws<ArgumentException>(() => Partitioner.Split(labels, 2, 5, PartitionKind.Iid, 1, 1, 0));
        Assert.Contains("only 4 training examples", tooMany.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Split(labels, 2, 0, PartitionKind.Iid, 1, 1, 0));
        foreach (double alpha in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Split(labels, 2, 2, PartitionKind.Dirichlet, alpha, 1, 0));
            Assert.Equal("dirichletAlpha", ex.ParamName);
        }
        Assert.Contains("only 4 training examples", Assert.Throws<ArgumentException>(
            () => Partitioner.Split(labels, 2, 2, PartitionKind.Shards, 1, 3, 0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Split(labels, 2, 2, PartitionKind.Shards, 1, 0, 0));
        Assert.Contains("labels[1] = 2", Assert.Throws<ArgumentException>(
            () => Partitioner.Split([0, 2], 2, 1, PartitionKind.Iid, 1, 1, 0)).Message, StringComparison.Ordinal);
        // Parameters of the other kinds are not checked: alpha 0 is fine for IID.
        Assert.Equal(2, Partitioner.Split(labels, 2, 2, PartitionKind.Iid, 0, 0, 0).Clients);
    }
}
