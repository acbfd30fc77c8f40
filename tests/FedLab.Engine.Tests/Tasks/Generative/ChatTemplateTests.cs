using FedLab.Engine.Models.Decoder;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

public sealed class ChatTemplateTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "Be brief."),
        new("user", "Is this spam?"),
        new("assistant", "no"),
    ];

    private static HfTokenizer Tiny => HfTokenizer.Load(TinyDecoders.Folder(TinyDecoders.Llama));

    [Fact]
    public void Alpaca_WritesTheSectionHeaders_AndEndsTheAnswerWithTheEndToken()
    {
        var tokenizer = Tiny;
        var template = ChatTemplate.For(ChatTemplateKind.Auto, tokenizer);
        Assert.Equal(ChatTemplateKind.Alpaca, template.Kind); // the tiny tokenizer has no chat tokens
        var (ids, targets, prompt) = GenerativeTokenization.Encode(template, Conversation, 512);

        Assert.Equal("Be brief.\n\n### Instruction:\nIs this spam?\n\n### Response:\n", tokenizer.Decode(ids.Take(prompt)));
        Assert.Equal(tokenizer.EosId, ids[^1]);
        Assert.Equal("no", tokenizer.Decode(ids.Skip(prompt).Take(ids.Length - prompt - 1)));
        // Targets: the next token at the positions before each answer token, nothing elsewhere.
        for (int t = 0; t < ids.Length; t++)
        {
            Assert.Equal(t >= prompt - 1 && t < ids.Length - 1 ? ids[t + 1] : ResponseTargets.Ignore, targets[t]);
        }
    }

    [Fact]
    public void ALongExample_LosesTheEndOfItsLongestContent_NeverTheAnswer()
    {
        var template = ChatTemplate.For(ChatTemplateKind.Alpaca, Tiny);
        ChatMessage[] longOne = [new("user", "Is this spam?\n\n" + new string('x', 500)), new("assistant", "yes")];
        var (ids, targets, prompt) = GenerativeTokenization.Encode(template, longOne, 64);

        Assert.Equal(64, ids.Length);
        var text = Tiny.Decode(ids.Take(prompt));
        Assert.StartsWith("### Instruction:\nIs this spam?\n\nxxx", text, StringComparison.Ordinal);
        Assert.EndsWith("x\n\n### Response:\n", text, StringComparison.Ordinal);
        Assert.Equal(Tiny.EncodeText("yes").Count + 1, targets.Count(t => t != ResponseTargets.Ignore)); // "yes" and the end token
    }

    [Fact]
    public void MarkupLongerThanMaxTokens_DropsTheStart_KeepingTheAnswer_AndNoRoomAtAllIsAClearError()
    {
        var tokenizer = Tiny;
        var template = ChatTemplate.For(ChatTemplateKind.Alpaca, tokenizer);
        var (ids, targets, prompt) = GenerativeTokenization.Encode(template, Conversation, 8);
        Assert.Equal(8, ids.Length);
        Assert.Equal("no", tokenizer.Decode(ids.Skip(prompt).Take(ids.Length - prompt - 1)));
        Assert.Equal(tokenizer.EncodeText("no").Count + 1, targets.Count(t => t != ResponseTargets.Ignore));

        var error = Assert.Throws<InvalidDataException>(() => GenerativeTokenization.Encode(template, Conversation, 1));
        Assert.Contains("maxTokens", error.Message, StringComparison.Ordinal);
    }
}

public sealed class ChatTemplateSpecialTokenTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "Be brief."),
        new("user", "Is this spam? "),
        new("assistant", "no"),
    ];

    [Fact]
    public void Llama3_WritesHeadersAndEndOfTurn_ByTokenId_AndTrimsContent()
    {
        var tokenizer = HfTokenizer.Load(TinyDecoderModels.Folder("tiny-llama"));
        var template = ChatTemplate.For(ChatTemplateKind.Auto, tokenizer);
        Assert.Equal(ChatTemplateKind.Llama3, template.Kind);
        var s = tokenizer.SpecialTokens;
        IEnumerable<int> Text(string t) => tokenizer.EncodeText(t);
        IEnumerable<int> Header(string role) => [s["<|start_header_id|>"], .. Text(role), s["<|end_header_id|>"], .. Text("\n\n")];
        int[] expected =
        [
            s["<|begin_of_text|>"],
            .. Header("system"), .. Text("Be brief."), s["<|eot_id|>"],
            .. Header("user"), .. Text("Is this spam?"), s["<|eot_id|>"],
            .. Header("assistant"), .. Text("no"), s["<|eot_id|>"],
        ];
        var (ids, targets, prompt) = GenerativeTokenization.Encode(template, Conversation, 512);

        Assert.Equal(expected, ids);
        Assert.Equal(expected.Length - Text("no").Count() - 1, prompt);
        Assert.Equal(s["<|eot_id|>"], template.AnswerEnd);
        Assert.Contains(s["<|eot_id|>"], template.StopIds);
        Assert.Equal(Text("no").Count() + 1, targets.Count(t => t != ResponseTargets.Ignore));
    }

    [Fact]
    public void ChatMl_WritesImStartAndImEnd_ByTokenId()
    {
        var tokenizer = HfTokenizer.Load(TinyDecoderModels.Folder("tiny-qwen2"));
        var template = ChatTemplate.For(ChatTemplateKind.Auto, tokenizer);
        Assert.Equal(ChatTemplateKind.ChatMl, template.Kind);
        var s = tokenizer.SpecialTokens;
        IEnumerable<int> Text(string t) => tokenizer.EncodeText(t);
        int[] expected =
        [
            s["<|im_start|>"], .. Text("system\n"), .. Text("Be brief."), s["<|im_end|>"], .. Text("\n"),
            s["<|im_start|>"], .. Text("user\n"), .. Text("Is this spam? "), s["<|im_end|>"], .. Text("\n"),
            s["<|im_start|>"], .. Text("assistant\n"), .. Text("no"), s["<|im_end|>"],
        ];
        var (ids, _, prompt) = GenerativeTokenization.Encode(template, Conversation, 512);
        Assert.Equal(expected, ids);
        Assert.Equal(expected.Length - Text("no").Count() - 1, prompt);
    }
}
