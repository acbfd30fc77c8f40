namespace FedLab.Data.Tests.Queries;

public sealed class AccuracyMetricsTests
{
    [Theory]
    [InlineData("""{ "name": "x", "task": { "kind": "generative" } }""", "exact match")]
    [InlineData("""{ "name": "generative test", "task": { "kind": "classification" } }""", "accuracy")]
    [InlineData("""{ "name": "generative", "dataset": { "name": "spam" } }""", "accuracy")]
    [InlineData("""{ "name": "generative", "task": """, "accuracy")]
    public void Of_ReadsTheTaskKind_NotTheWord(string specJson, string metric) => Assert.Equal(metric, AccuracyMetrics.Of(specJson));
}
