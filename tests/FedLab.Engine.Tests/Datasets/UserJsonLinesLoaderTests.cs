using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

public sealed class UserJsonLinesLoaderTests
{
    private static TextDataset Jsonl(string content, int seed = 20261124) =>
        UserDatasetLoader.Load(new StringReader(content), UserFileFormat.JsonLines, "test", seed);

    private static DatasetFormatException Bad(string content) =>
        Assert.Throws<DatasetFormatException>(() => Jsonl(content));

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private const string Good = """{"text": "fine", "label": "a"}""";

    [Fact]
    public void StringLabelsSplitsEscapesAndBlankLines()
    {
        string content = Lines(
            """{"text": "caf\u00e9, \"quoted\"\nnext line", "label": "pos", "split": "train", "id": 7}""",
            "",
            """{"text": "meh", "label": "neg", "split": "test"}""",
            """{"text": "held out", "label": "neg", "split": "public"}""",
            """{"text": "ok", "label": "pos", "split": "TEST"}""");
        TextDataset dataset = Jsonl(content);
        Assert.Equal(["neg", "pos"], dataset.ClassNames);
        TextExample first = Assert.Single(dataset.Train);
        Assert.Equal("café, \"quoted\"\nnext line", first.Text);
        Assert.Equal(1, first.Label);
        Assert.Equal(["meh", "ok"], dataset.Test.Select(e => e.Text));
        Assert.Equal("held out", Assert.Single(dataset.Public).Text);
    }

    [Fact]
    public void IntegerLabels_SortNumerically_AndAutoSplit()
    {
        var lines = new List<string>();
        foreach (int label in new[] { 10, 9, 1 })
        {
            for (int i = 0; i < 10; i++)
            {
                lines.Add($$"""{"text": "t{{label}}-{{i}}", "label": {{label}}}""");
            }
        }
        TextDataset dataset = Jsonl(Lines([.. lines]));
        Assert.Equal(["1", "9", "10"], dataset.ClassNames);
        Assert.Equal(21, dataset.Train.Count);
        Assert.Equal(6, dataset.Test.Count);
        Assert.Equal(3, dataset.Public.Count);
    }

    [Fact]
    public void InvalidJson()
    {
        var ex = Bad(Lines(Good, """{"text": "x", "label": "b"}""", """{"text": "broken", "label": }"""));
        Assert.Equal(3, ex.Line);
        Assert.StartsWith("line 3: invalid JSON (", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLabel_CountsBlankLines() =>
        Assert.Equal("line 7: missing field 'label'",
            Bad(Lines(Good, "", Good, "", "", Good, """{"text": "no label here"}""")).Message);

    [Fact]
    public void MissingText() => Assert.Equal("line 2: missing field 'text'", Bad(Lines(Good, """{"label": "a"}""")).Message);

    [Fact]
    public void TextNotAString() =>
        Assert.Equal("line 1: field 'text' must be a string, found a number", Bad(Lines("""{"text": 5, "label": "a"}""")).Message);

    [Fact]
    public void EmptyText() => Assert.Equal("line 2: empty text", Bad(Lines(Good, """{"text": "  ", "label": "a"}""")).Message);

    [Fact]
    public void FractionalLabel() =>
        Assert.Equal("line 1: field 'label' must be a string or an integer, found the number 1.5",
            Bad(Lines("""{"text": "x", "label": 1.5}""")).Message);

    [Fact]
    public void NotAnObject() => Assert.Equal("line 2: expected a JSON object, found an array", Bad(Lines(Good, "[1, 2]")).Message);

    [Fact]
    public void UnknownSplit() =>
        Assert.StartsWith("line 1: unknown split 'dev'", Bad(Lines("""{"text": "x", "label": "a", "split": "dev"}""")).Message, StringComparison.Ordinal);

    [Fact]
    public void SplitOnSomeRowsOnly()
    {
        var ex = Bad(Lines("""{"text": "x", "label": "a", "split": "train"}""", Good));
        Assert.Equal(2, ex.Line);
        Assert.StartsWith("missing split", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile() => Assert.Equal("file is empty", Bad("\n  \n").Message);

    [Fact]
    public void SingleClass() =>
        Assert.Equal("dataset needs at least 2 classes, found 1", Bad(Lines(Good, Good.Replace("fine", "x", StringComparison.Ordinal))).Message);

    [Fact]
    public void LoadFromPath_UsesFileNameAsDatasetName()
    {
        using var folder = new TempFolder();
        var lines = Enumerable.Range(0, 12).Select(i => $$"""{"text": "t{{i}}", "label": "{{(i % 2 == 0 ? "x" : "y")}}"}""");
        string path = folder.Write("tickets.jsonl", Lines([.. lines]));
        TextDataset dataset = DatasetCatalog.Load(path);
        Assert.Equal("tickets", dataset.Name);
        Assert.Equal(12, dataset.Train.Count + dataset.Test.Count + dataset.Public.Count);
    }

    [Fact]
    public void MissingFile_IsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load(Path.Combine(Path.GetTempPath(), "no-such-fedlab-file.jsonl")));
}
