using System.Security.Cryptography;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

public sealed class BundledDatasetTests(BundledDatasetsFixture bundled) : IClassFixture<BundledDatasetsFixture>
{
    [Fact]
    public void Catalog_ListsSpamAndFortunes()
    {
        Assert.Equal(["spam", "fortunes", "spam-yesno"], DatasetCatalog.BundledNames); // spam-yesno: the generative task over spam
        Assert.True(DatasetCatalog.IsBundled("spam"));
        Assert.True(DatasetCatalog.IsBundled("Fortunes"));
        Assert.False(DatasetCatalog.IsBundled("spam.csv"));
    }

    [Theory]
    [InlineData("spam", new[] { "ham", "spam" })]
    [InlineData("fortunes", new[] { "computers", "cookie", "definitions", "men-women", "miscellaneous", "people", "politics", "science", "songs-poems", "work" })]
    public void Load_HasExpectedClasses(string name, string[] classes)
    {
        TextDataset dataset = bundled.Get(name);
        Assert.Equal(name, dataset.Name);
        Assert.Equal(classes, dataset.ClassNames);
        Assert.Equal(classes.Length, dataset.NumClasses);
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("fortunes")]
    public void Load_CountsMatchManifest(string name)
    {
        TextDataset dataset = bundled.Get(name);
        var entry = bundled.Manifest[name]!.AsObject();
        Assert.Equal(entry["classes"]!.AsArray().Select(c => c!.GetValue<string>()), dataset.ClassNames);
        foreach (DatasetSplit split in Enum.GetValues<DatasetSplit>())
        {
            string key = split.ToString().ToLowerInvariant();
            Assert.Equal(entry["counts"]![key]!.GetValue<int>(), dataset[split].Count);
            for (int c = 0; c < dataset.NumClasses; c++)
            {
                int expected = entry["countsPerClass"]![key]![dataset.ClassNames[c]]!.GetValue<int>();
                Assert.Equal(expected, dataset[split].Count(e => e.Label == c));
            }
        }
        Assert.Equal(entry["counts"]!["total"]!.GetValue<int>(), dataset.Train.Count + dataset.Test.Count + dataset.Public.Count);
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("fortunes")]
    public void File_HashMatchesManifest(string name)
    {
        var entry = bundled.Manifest[name]!.AsObject();
        byte[] bytes = File.ReadAllBytes(Path.Combine(DatasetCatalog.DefaultDataDirectory, entry["file"]!.GetValue<string>()));
        Assert.Equal(entry["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("fortunes")]
    public void Splits_AreDisjointStratifiedAndNonEmpty(string name)
    {
        TextDataset dataset = bundled.Get(name);
        var train = dataset.Train.Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        var test = dataset.Test.Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        var pub = dataset.Public.Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(train.Intersect(test));
        Assert.Empty(train.Intersect(pub));
        Assert.Empty(test.Intersect(pub));
        Assert.NotEmpty(dataset.Public);

        int total = dataset.Train.Count + dataset.Test.Count + dataset.Public.Count;
        for (int c = 0; c < dataset.NumClasses; c++)
        {
            int inClass = dataset.Train.Count(e => e.Label == c) + dataset.Test.Count(e => e.Label == c) + dataset.Public.Count(e => e.Label == c);
            Assert.InRange(dataset.Test.Count(e => e.Label == c), inClass * 0.2 - 1, inClass * 0.2 + 1);
            Assert.InRange(dataset.Public.Count(e => e.Label == c), inClass * 0.1 - 1, inClass * 0.1 + 1);
            Assert.True(inClass > total / 50, $"class {dataset.ClassNames[c]} is nearly empty");
        }
    }

    [Fact]
    public void Spam_TextsStartWithSubjectNotRoutingHeaders()
    {
        TextDataset spam = bundled.Get("spam");
        var all = spam.Train.Concat(spam.Test).Concat(spam.Public).ToList();
        Assert.All(all, e => Assert.StartsWith("Subject: ", e.Text, StringComparison.Ordinal));
        Assert.All(all, e => Assert.InRange(e.Text.Length, 9, 1500));
        // Routing headers are gone; only a few forwarded or quoted messages still mention one in their body.
        int withRouting = all.Count(e => e.Text.Contains("Received: from", StringComparison.Ordinal));
        Assert.True(withRouting < all.Count / 100, $"{withRouting} texts contain 'Received: from'");
        // Quoted-printable was decoded: soft line breaks and =3D escapes are (almost) gone.
        Assert.True(all.Count(e => e.Text.Contains("=3D", StringComparison.Ordinal)) < 10);
        Assert.InRange(all.Count(e => e.Label == 1), 1700, 1896);
        Assert.InRange(all.Count(e => e.Label == 0), 4000, 4150);
    }

    [Fact]
    public void Fortunes_EntriesWithinLengthBounds()
    {
        TextDataset fortunes = bundled.Get("fortunes");
        Assert.All(fortunes.Train.Concat(fortunes.Test).Concat(fortunes.Public),
            e => Assert.InRange(e.Text.Length, 10, 1500));
    }

    [Fact]
    public void Load_MissingBundledFile_SaysHowToRegenerate()
    {
        string empty = Directory.CreateTempSubdirectory("fedlab-test-").FullName;
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load("spam", dataDirectory: empty));
            Assert.Contains("FedLab.DataImport", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
