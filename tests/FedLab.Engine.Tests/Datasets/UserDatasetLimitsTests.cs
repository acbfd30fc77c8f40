using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

/// <summary>
/// Reading a user's file stays bounded (issue #10, items 3 and 7): decompressed bytes, field and line lengths,
/// columns, and special files (FIFO, directory, a huge sparse file) refused before reading.
/// </summary>
public sealed class UserDatasetLimitsTests
{
    private static readonly DatasetReadLimits Small = new(MaxBytes: 10_000, MaxFieldChars: 100, MaxRows: 1000);

    private static DatasetFormatException Bad(string content, UserFileFormat format) =>
        Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(new StringReader(content), format, "test", UserDatasetLoader.DefaultSplitSeed, Small));

    [Fact]
    public void CsvField_OverTheLimit_IsRefusedWithItsLine()
    {
        var ex = Bad("text,label\nshort,a\n" + new string('x', 101) + ",b\n", UserFileFormat.Csv);
        Assert.Equal(DatasetLimit.FieldChars, ex.Limit);
        Assert.Equal(3, ex.Line);
        var quoted = Bad("text,label\n\"" + new string('x', 500), UserFileFormat.Csv);
        Assert.Equal(DatasetLimit.FieldChars, quoted.Limit);
    }

    [Fact]
    public void CsvRecord_WithMoreFieldsThanTheHeader_StopsAtTheFirstExtraField()
    {
        var ex = Bad("text,label\n" + new string(',', 50_000) + "\n", UserFileFormat.Csv);
        Assert.Contains($"expected 2 columns, found more than {DatasetReadLimits.MaxColumns}", ex.Message, StringComparison.Ordinal);
        var header = Bad(new string(',', DatasetReadLimits.MaxColumns + 5) + "\n", UserFileFormat.Csv);
        Assert.Contains($"more than {DatasetReadLimits.MaxColumns} columns", header.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLine_OverTheLimit_IsRefused()
    {
        var ex = Bad("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"" + new string('y', 2000) + "\", \"label\": 2}\n", UserFileFormat.JsonLines);
        Assert.Equal(DatasetLimit.FieldChars, ex.Limit);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void GzipFile_ExpandingPastMaxBytes_IsStoppedThere()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "bomb.csv.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.SmallestSize))
        {
            gzip.Write("text,label\n"u8);
            var rows = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a,x\nb,y\n", 10_000)));
            for (int i = 0; i < 100; i++)
            {
                gzip.Write(rows);
            }
        }
        var ex = Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(path, Small with { MaxRows = 10_000_000 }));
        Assert.Equal(DatasetLimit.Bytes, ex.Limit);
    }

    [Fact]
    public void CorruptGzip_IsAFormatError()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "broken.csv.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]);
        var ex = Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(path, Small));
        Assert.Contains("gzip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifo_IsRefusedWithoutBlocking()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "pipe.csv");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // Opening a FIFO with no writer blocks for good: the check must refuse it before opening.
        var load = Task.Run(() => UserDatasetLoader.Load(path));
        var ex = await Assert.ThrowsAsync<DatasetFormatException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("not a regular file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_AndHugeSparseFile_AreRefusedBeforeReading()
    {
        using var folder = new TempFolder();
        string directory = Path.Combine(folder.Path, "folder.csv");
        Directory.CreateDirectory(directory);
        Assert.Contains("is a directory", Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(directory)).Message, StringComparison.Ordinal);

        string sparse = Path.Combine(folder.Path, "huge.csv");
        using (var file = new FileStream(sparse, FileMode.CreateNew))
        {
            file.SetLength(2L << 30);
        }
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<DatasetFormatException>(() => UserDatasetLoader.Load(sparse));
        Assert.Equal(DatasetLimit.Bytes, ex.Limit);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
