using System.IO.Compression;
using System.Text;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

public sealed class UserCsvLoaderTests
{
    private static TextDataset Csv(string content, int seed = 20261124, int maxRows = 200_000) =>
        UserDatasetLoader.Load(new StringReader(content), UserFileFormat.Csv, "test", seed, maxRows);

    private static DatasetFormatException Bad(string content, int maxRows = 200_000) =>
        Assert.Throws<DatasetFormatException>(() => Csv(content, maxRows: maxRows));

    /// <summary>n rows per class with labels "neg" and "pos".</summary>
    private static string Balanced(int perClass)
    {
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < perClass; i++)
        {
            sb.Append($"negative text {i},neg\npositive text {i},pos\n");
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    public void SemicolonAndTabSeparatedFiles_AreReadByTheirHeadersDelimiter(string d)
    {
        string csv = $"\n\"text\"{d}label{d}split\r\n"
            + $"\"Hello{d} world, with a comma\"{d}greeting{d}train\r\n"
            + $"a, b, c{d}farewell{d}train\n"
            + $"\"quoted \"\"x\"\"\"{d}greeting{d}test\n"
            + $"plain{d}farewell{d}test\n";
        TextDataset dataset = Csv(csv);

        Assert.Equal(["farewell", "greeting"], dataset.ClassNames);
        Assert.Equal([$"Hello{d} world, with a comma", "a, b, c"], dataset.Train.Select(e => e.Text));
        Assert.Equal(["quoted \"x\"", "plain"], dataset.Test.Select(e => e.Text));
        // Line numbers still count from the file's first line (the blank one).
        var error = Bad($"text{d}label\nfine{d}a\nbroken{d}b{d}extra\n");
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void TsvFiles_AreAccepted_ByName()
    {
        Assert.Equal((UserFileFormat.Csv, false), UserDatasetLoader.FormatOf("/data/news.tsv"));
        Assert.Equal((UserFileFormat.Csv, true), UserDatasetLoader.FormatOf("news.TSV.gz"));
        Assert.True(UserDatasetLoader.IsSupported("x.tsv"));
    }

    [Fact]
    public void QuotedFields_KeepCommasQuotesAndNewlines()
    {
        string csv = "text,label,split\r\n"
            + "\"Hello, world\",greeting,train\r\n"
            + "\"She said \"\"hi\"\"\",greeting,test\r\n"
            + "\"line one\nline two, still text\",farewell,train\r\n"
            + "plain,farewell,test\r\n"
            + "\"public one\",farewell,public\r\n";
        TextDataset dataset = Csv(csv);

        Assert.Equal(["farewell", "greeting"], dataset.ClassNames);
        Assert.Equal(["Hello, world", "line one\nline two, still text"], dataset.Train.Select(e => e.Text));
        Assert.Equal([1, 0], dataset.Train.Select(e => e.Label));
        Assert.Equal(["She said \"hi\"", "plain"], dataset.Test.Select(e => e.Text));
        Assert.Equal("public one", Assert.Single(dataset.Public).Text);
    }

    [Fact]
    public void HeaderIsMatchedByNameInAnyOrderAndCase_ExtraColumnsIgnored()
    {
        string csv = "id,Label,TEXT,split\n1,b,first,train\n2,a,second,test\n3,b,third,train\n";
        TextDataset dataset = Csv(csv);
        Assert.Equal(["a", "b"], dataset.ClassNames);
        Assert.Equal(["first", "third"], dataset.Train.Select(e => e.Text));
    }

    [Fact]
    public void IntegerLabels_SortNumerically()
    {
        var sb = new StringBuilder("text,label\n");
        foreach (string label in new[] { "10", "2", "1", "-3" })
        {
            for (int i = 0; i < 5; i++)
            {
                sb.Append($"text {label} {i},{label}\n");
            }
        }
        Assert.Equal(["-3", "1", "2", "10"], Csv(sb.ToString()).ClassNames);
    }

    [Fact]
    public void WithoutSplitColumn_SplitsStratified702010_DeterministicBySeed()
    {
        string csv = Balanced(50);
        TextDataset a = Csv(csv, seed: 7);
        TextDataset b = Csv(csv, seed: 7);
        TextDataset c = Csv(csv, seed: 8);

        foreach (int label in new[] { 0, 1 })
        {
            Assert.Equal(35, a.Train.Count(e => e.Label == label));
            Assert.Equal(10, a.Test.Count(e => e.Label == label));
            Assert.Equal(5, a.Public.Count(e => e.Label == label));
        }
        Assert.Equal(a.Test.Select(e => e.Text), b.Test.Select(e => e.Text));
        Assert.NotEqual(a.Test.Select(e => e.Text).Order(), c.Test.Select(e => e.Text).Order());
    }

    [Fact]
    public void LoadFromPath_CsvAndGzip()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("reviews.csv", Balanced(10));
        string gz = Path.Combine(folder.Path, "reviews2.csv.gz");
        using (var gzip = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(Balanced(10)));
        }

        TextDataset plain = DatasetCatalog.Load(csv);
        TextDataset zipped = UserDatasetLoader.Load(gz);
        Assert.Equal("reviews", plain.Name);
        Assert.Equal(20, plain.Train.Count + plain.Test.Count + plain.Public.Count);
        Assert.Equal(plain.Test.Select(e => e.Text), zipped.Test.Select(e => e.Text));
    }

    [Fact]
    public void UnsupportedExtension_IsRejected()
    {
        using var folder = new TempFolder();
        string path = folder.Write("data.txt", Balanced(5));
        var ex = Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(path));
        Assert.Null(ex.Line);
        Assert.Contains("unsupported file type '.txt'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile()
    {
        var ex = Bad("");
        Assert.Null(ex.Line);
        Assert.Equal("file is empty", ex.Message);
        Assert.Equal("file is empty", Bad("\n\n").Message);
    }

    [Fact]
    public void HeaderOnly() => Assert.Equal("file has a header but no rows", Bad("text,label\n").Message);

    [Fact]
    public void MissingLabelColumn()
    {
        var ex = Bad("text,category\nhello,a\n");
        Assert.Equal(1, ex.Line);
        Assert.StartsWith("line 1: missing column 'label'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateColumn() =>
        Assert.Equal("line 1: duplicate column 'text' in the header", Bad("text,label,text\na,b,c\n").Message);

    [Fact]
    public void WrongColumnCount_CountsLinesInsideQuotedFields()
    {
        // The record on line 3 spans lines 3-4, so the bad record starts on line 5.
        var ex = Bad("text,label\na,x\n\"multi\nline\",y\nb,x,extra\n");
        Assert.Equal(5, ex.Line);
        Assert.Equal("expected 2 columns, found 3", ex.Reason);
        Assert.Equal("line 5: expected 2 columns, found 3", ex.Message);
    }

    [Fact]
    public void EmptyText_AfterBlankLines() =>
        Assert.Equal("line 12: empty text", Bad("text,label\n" + string.Concat(Enumerable.Repeat("ok,x\n\n", 5)) + "   ,y\n").Message);

    [Fact]
    public void EmptyLabel() => Assert.Equal("line 3: empty label", Bad("text,label\na,x\nb,\n").Message);

    [Fact]
    public void UnknownSplit()
    {
        string csv = "text,label,split\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"t{i},x,train\n")) + "t,y,dev\n";
        var ex = Bad(csv);
        Assert.Equal(9, ex.Line);
        Assert.StartsWith("line 9: unknown split 'dev'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnterminatedQuote_ReportsWhereTheRecordStarts() =>
        Assert.Equal("line 3: unterminated quoted field", Bad("text,label\na,x\n\"never closed,y\nb,x\n").Message);

    [Fact]
    public void QuoteInsideUnquotedField() =>
        Assert.StartsWith("line 2: quote inside an unquoted field", Bad("text,label\nab\"c,x\n").Message, StringComparison.Ordinal);

    [Fact]
    public void TextAfterClosingQuote() =>
        Assert.Equal("line 2: unexpected character 'c' after a closing quote", Bad("text,label\n\"ab\"c,x\n").Message);

    [Fact]
    public void TooManyRows()
    {
        var ex = Bad(Balanced(3), maxRows: 5);
        Assert.Null(ex.Line);
        Assert.Equal("file has more than 5 rows", ex.Message);
    }

    [Fact]
    public void SingleClass() =>
        Assert.Equal("dataset needs at least 2 classes, found 1", Bad("text,label\na,x\nb,x\nc,x\n").Message);

    [Fact]
    public void TooFewRowsToSplit() =>
        Assert.StartsWith("too few rows to split", Bad("text,label\na,x\nb,y\n").Message, StringComparison.Ordinal);

    [Fact]
    public void ExplicitSplitWithoutTestRows() =>
        Assert.Equal("no rows in the 'test' split", Bad("text,label,split\na,x,train\nb,y,train\n").Message);
}
