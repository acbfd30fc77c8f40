using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

public sealed class StratifiedSplitTests
{
    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(2, 0, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(5, 1, 1)]
    [InlineData(10, 2, 1)]
    [InlineData(15, 3, 2)]
    [InlineData(1896, 379, 190)]
    public void Counts_AreRoundedPercentages_TrainKeepsOne(int size, int test, int pub)
    {
        Assert.Equal((test, pub), StratifiedSplit.Counts(size));
    }

    [Fact]
    public void Assign_IsStratifiedAndDeterministic()
    {
        int[] labels = [.. Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 2).Concat(Enumerable.Repeat(1, 50))];
        DatasetSplit[] a = StratifiedSplit.Assign(labels, 3, 9);
        Assert.Equal(a, StratifiedSplit.Assign(labels, 3, 9));
        Assert.NotEqual(a, StratifiedSplit.Assign(labels, 3, 10));
        for (int c = 0; c < 3; c++)
        {
            int n = labels.Count(l => l == c);
            var (test, pub) = StratifiedSplit.Counts(n);
            Assert.Equal(test, Enumerable.Range(0, labels.Length).Count(i => labels[i] == c && a[i] == DatasetSplit.Test));
            Assert.Equal(pub, Enumerable.Range(0, labels.Length).Count(i => labels[i] == c && a[i] == DatasetSplit.Public));
        }
    }
}
