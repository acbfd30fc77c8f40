using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Control characters in a spec's free text are refused by validation (issue #10, item 4).</summary>
public sealed class FreeTextTests
{
    private static IReadOnlyList<SpecError> Errors(RunSpec spec) => new RunSpecValidator(() => false).Validate(spec);

    [Theory]
    [InlineData("evil\u001b[2J\u001b]0;pwned\u0007", 5, 0x1B)]
    [InlineData("nul\0inside", 4, 0)]
    [InlineData("two\nlines", 4, 0x0A)]
    [InlineData("tab\there", 4, 0x09)]
    [InlineData("del\u007f", 4, 0x7F)]
    [InlineData("c1\u009bcsi", 3, 0x9B)]
    public void RunName_WithAControlCharacter_IsRefused(string name, int position, int code)
    {
        Assert.Equal(position - 1, FreeText.FindControlCharacter(name));
        var error = Assert.Single(Errors(TinySpecs.FedLlm() with { Name = name }));
        Assert.Equal("name", error.Field);
        Assert.Equal($"must not contain control characters (found U+{code:X4} at position {position})", error.Message);
    }

    [Theory]
    [InlineData("plain name")]
    [InlineData("ünïcödé – names, emoji 🚀 and \u00a0no-break space")]
    public void OrdinaryText_Passes(string name)
    {
        Assert.Equal(-1, FreeText.FindControlCharacter(name));
        Assert.Empty(Errors(TinySpecs.FedLlm() with { Name = name }));
    }

    [Fact]
    public void DatasetPath_WithAControlCharacter_IsRefused()
    {
        var spec = TinySpecs.FedLlm() with { Dataset = TinySpecs.FedLlm().Dataset with { Name = "/tmp/a\u001b]0;x\u0007.csv" } };
        Assert.Contains(Errors(spec), e => e.Field == "dataset.name" && e.Message.StartsWith("must not contain control characters", StringComparison.Ordinal));
    }
}
