using System.Text.Json.Serialization;

namespace FedLab.Engine.Tasks;

/// <summary>
/// What the model learns: classification (the default; a spec without a task section is one) or generative instruction
/// tuning on instruction/chat data, with the loss on the response tokens only (<see cref="Generative"/>).
/// </summary>
public sealed record TaskSpec
{
    public TaskKind Kind { get; init; } = TaskKind.Classification;

    /// <summary>How a conversation becomes text (generative only): auto picks the tokenizer's own chat format.</summary>
    public ChatTemplateKind Template { get; init; } = ChatTemplateKind.Auto;

    /// <summary>The longest answer greedy generation writes for exact match (it also stops at the end token or a newline).</summary>
    public int MaxNewTokens { get; init; } = 8;

    /// <summary>The most test examples whose answers are generated for exact match each round; null = every one.</summary>
    public int? GenerateLimit { get; init; }
}

public enum TaskKind
{
    [JsonStringEnumMemberName("classification")]
    Classification,
    [JsonStringEnumMemberName("generative")]
    Generative,
}

public enum ChatTemplateKind
{
    /// <summary>llama3 when the tokenizer has Llama 3's header tokens, chatml when it has &lt;|im_start|&gt;, else alpaca.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,
    [JsonStringEnumMemberName("llama3")]
    Llama3,
    [JsonStringEnumMemberName("chatml")]
    ChatMl,
    [JsonStringEnumMemberName("alpaca")]
    Alpaca,
}
