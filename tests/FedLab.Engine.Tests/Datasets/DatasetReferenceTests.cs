using System.Security.Cryptography;
using System.Text;
using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Datasets;

public sealed class DatasetReferenceTests : IDisposable
{
    private readonly string _uploads = Path.Combine(Path.GetTempPath(), "fedlab-ref-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_uploads))
        {
            Directory.Delete(_uploads, recursive: true);
        }
    }

    [Fact]
    public void Hash_IsTheSha256PrefixOfTheContent()
    {
        Directory.CreateDirectory(_uploads);
        var file = Path.Combine(_uploads, "a.csv");
        File.WriteAllText(file, "text,label\nhello,x\n");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("text,label\nhello,x\n")))[..16];
        Assert.Equal(expected, DatasetReference.HashOf(file));
    }

    [Fact]
    public void Resolve_FindsTheFileByHash_WhateverTheNamePart()
    {
        var folder = Path.Combine(_uploads, "0123456789abcdef");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "mail.csv"), "text,label\n");
        Assert.Equal(Path.Combine(folder, "mail.csv"), DatasetReference.Resolve("upload:0123456789abcdef/mail.csv", _uploads));
        Assert.Equal(Path.Combine(folder, "mail.csv"), DatasetReference.Resolve("upload:0123456789abcdef/renamed.csv", _uploads));
        Assert.Equal("spam", DatasetReference.Resolve("spam", _uploads)); // not a reference: unchanged
    }

    [Theory]
    [InlineData("upload:0123456789abcdef/x.csv", null, "no uploads folder")]
    [InlineData("upload:fedcba9876543210/x.csv", "here", "is not on this machine")]
    [InlineData("upload:0123/x.csv", "here", "is not a dataset reference")]
    [InlineData("upload:0123456789abcdef/../x.csv", "here", "is not a dataset reference")]
    public void Resolve_RefusesClearly(string name, string? uploads, string expected)
    {
        var ex = Assert.Throws<DatasetFormatException>(() => DatasetReference.Resolve(name, uploads is null ? null : _uploads));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upload:0123456789abcdef/news.csv", "news.csv")]
    [InlineData("/srv/data/uploads/0123456789abcdef0123456789abcdef-news.csv", "news.csv")]
    [InlineData("spam", "spam")]
    public void Label_ShowsTheUsersFileName(string name, string label) => Assert.Equal(label, DatasetReference.Label(name));

    [Fact]
    public void Validator_ChecksAReferencesSyntax_NotItsPresence()
    {
        var validator = new RunSpecValidator(() => false);
        var ok = TinySpecs.FedLlm() with { Dataset = TinySpecs.FedLlm().Dataset with { Name = "upload:0123456789abcdef/news.csv" } };
        Assert.DoesNotContain(validator.Validate(ok), e => e.Field == "dataset.name");
        var bad = ok with { Dataset = ok.Dataset with { Name = "upload:nothex/news.csv" } };
        Assert.Contains(validator.Validate(bad), e => e.Field == "dataset.name" && e.Message.Contains("upload:<16 hex digits>", StringComparison.Ordinal));
    }
}
