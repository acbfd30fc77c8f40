using FedLab.Engine.Models.Decoder;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// How a conversation becomes tokens, as pieces: template markup (never cut), message content (cut from its end when
/// the example is too long) and answers (the assistant's content and its end token: the only trained positions).
/// The template's special tokens come by id from tokenizer.json's added tokens (a special token spelled inside a
/// message's content is still recognised by the byte-level tokenizers, as transformers' tokenizers do).
/// <list type="bullet">
/// <item>llama3: <c>&lt;|begin_of_text|&gt;&lt;|start_header_id|&gt;user&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c> per
/// message (content trimmed, as Meta's template does), answers end with &lt;|eot_id|&gt;.</item>
/// <item>chatml (Qwen): <c>&lt;|im_start|&gt;user\n{content}&lt;|im_end|&gt;\n</c> per message, answers end with &lt;|im_end|&gt;.</item>
/// <item>alpaca (any tokenizer): Alpaca's section headers, <c>### Instruction:\n{user}\n\n### Response:\n{answer}</c> per
/// turn (turns joined by a blank line), after the system message and a blank line when there is one; answers end with
/// the tokenizer's end-of-text token. Alpaca's fixed preamble sentence ("Below is an instruction that describes a
/// task. ...") is not added: give it as a system message to have it.</item>
/// </list>
/// The begin-of-text token leads when the tokenizer adds one (llama3 always has its own).
/// </summary>
public sealed class ChatTemplate
{
    private readonly HfTokenizer _tokenizer;
    private readonly Dictionary<string, int> _special = new(StringComparer.Ordinal);

    private ChatTemplate(ChatTemplateKind kind, HfTokenizer tokenizer, int answerEnd)
    {
        Kind = kind;
        _tokenizer = tokenizer;
        AnswerEnd = answerEnd;
        StopIds = new HashSet<int>([answerEnd, .. tokenizer.EosId is int eos ? [eos] : Array.Empty<int>()]);
    }

    public ChatTemplateKind Kind { get; }

    /// <summary>The token that closes an answer (trained, and a stop for generation).</summary>
    public int AnswerEnd { get; }

    /// <summary>Tokens that end greedy generation: the answer's end token and the tokenizer's end-of-text.</summary>
    public IReadOnlySet<int> StopIds { get; }

    /// <summary>The template <paramref name="kind"/> names for this tokenizer (auto: its own chat format, else alpaca).</summary>
    /// <exception cref="InvalidDataException">The tokenizer lacks a token the template needs (the message names it).</exception>
    public static ChatTemplate For(ChatTemplateKind kind, HfTokenizer tokenizer)
    {
        var special = tokenizer.SpecialTokens;
        if (kind == ChatTemplateKind.Auto)
        {
            kind = special.ContainsKey("<|start_header_id|>") && special.ContainsKey("<|eot_id|>") ? ChatTemplateKind.Llama3
                : special.ContainsKey("<|im_start|>") && special.ContainsKey("<|im_end|>") ? ChatTemplateKind.ChatMl
                : ChatTemplateKind.Alpaca;
        }
        string[] needed = kind switch
        {
            ChatTemplateKind.Llama3 => ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
            ChatTemplateKind.ChatMl => ["<|im_start|>", "<|im_end|>"],
            _ => [],
        };
        foreach (var token in needed)
        {
            if (!special.ContainsKey(token))
            {
                throw new InvalidDataException($"the {Name(kind)} template needs the special token '{token}', which the model's tokenizer.json does not have; use template alpaca or auto");
            }
        }
        int end = kind switch
        {
            ChatTemplateKind.Llama3 => special["<|eot_id|>"],
            ChatTemplateKind.ChatMl => special["<|im_end|>"],
            _ => tokenizer.EosId ?? throw new InvalidDataException("the alpaca template ends answers with the end-of-text token, and the model's tokenizer names none (tokenizer_config.json eos_token)"),
        };
        var template = new ChatTemplate(kind, tokenizer, end);
        foreach (var token in needed)
        {
            template._special[token] = special[token];
        }
        return template;
    }

    public static string Name(ChatTemplateKind kind) => kind switch
    {
        ChatTemplateKind.Llama3 => "llama3",
        ChatTemplateKind.ChatMl => "chatml",
        ChatTemplateKind.Alpaca => "alpaca",
        _ => "auto",
    };

    /// <summary>
    /// The pieces of <paramref name="messages"/>. With <paramref name="generationPrompt"/> the last message (the answer)
    /// is left out and the pieces end where the model starts writing it.
    /// </summary>
    public IReadOnlyList<TemplatePiece> Render(IReadOnlyList<ChatMessage> messages, bool generationPrompt)
    {
        var pieces = new List<TemplatePiece>();
        int count = generationPrompt ? messages.Count - 1 : messages.Count;
        switch (Kind)
        {
            case ChatTemplateKind.Llama3:
                pieces.Add(Markup(_special["<|begin_of_text|>"]));
                for (int i = 0; i < count; i++)
                {
                    Header(pieces, messages[i].Role);
                    AddMessage(pieces, messages[i], messages[i].Content.Trim());
                }
                if (generationPrompt)
                {
                    Header(pieces, ChatMessage.Assistant);
                }
                break;
            case ChatTemplateKind.ChatMl:
                Bos(pieces);
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        pieces.Add(Markup("\n"));
                    }
                    pieces.Add(Markup(_special["<|im_start|>"]));
                    pieces.Add(Markup(messages[i].Role + "\n"));
                    AddMessage(pieces, messages[i], messages[i].Content);
                }
                if (generationPrompt)
                {
                    if (count > 0)
                    {
                        pieces.Add(Markup("\n"));
                    }
                    pieces.Add(Markup(_special["<|im_start|>"]));
                    pieces.Add(Markup(ChatMessage.Assistant + "\n"));
                }
                break;
            default:
                Bos(pieces);
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        pieces.Add(Markup("\n\n"));
                    }
                    if (messages[i].Role == ChatMessage.System)
                    {
                        pieces.Add(Content(messages[i].Content));
                    }
                    else if (messages[i].Role == ChatMessage.User)
                    {
                        pieces.Add(Markup("### Instruction:\n"));
                        pieces.Add(Content(messages[i].Content));
                    }
                    else
                    {
                        pieces.Add(Markup("### Response:\n"));
                        pieces.Add(Answer(messages[i].Content));
                        pieces.Add(Answer(AnswerEnd));
                    }
                }
                if (generationPrompt)
                {
                    if (count > 0)
                    {
                        pieces.Add(Markup("\n\n"));
                    }
                    pieces.Add(Markup("### Response:\n"));
                }
                break;
        }
        return pieces;
    }

    /// <summary>The first <paramref name="maxTokens"/> ids of a piece's text (special tokens are pieces of their own).</summary>
    public IReadOnlyList<int> Ids(TemplatePiece piece, int maxTokens = int.MaxValue) =>
        piece.TokenId is int id ? [id] : _tokenizer.EncodeText(piece.Text!, maxTokens);

    private void Header(List<TemplatePiece> pieces, string role)
    {
        pieces.Add(Markup(_special["<|start_header_id|>"]));
        pieces.Add(Markup(role));
        pieces.Add(Markup(_special["<|end_header_id|>"]));
        pieces.Add(Markup("\n\n"));
    }

    private void AddMessage(List<TemplatePiece> pieces, ChatMessage message, string content)
    {
        if (message.Role == ChatMessage.Assistant)
        {
            pieces.Add(Answer(content));
            pieces.Add(Answer(AnswerEnd));
        }
        else
        {
            pieces.Add(Content(content));
            pieces.Add(Markup(AnswerEnd)); // <|eot_id|> / <|im_end|> closes every message
        }
    }

    private void Bos(List<TemplatePiece> pieces)
    {
        if (_tokenizer.BosId is int bos)
        {
            pieces.Add(Markup(bos));
        }
    }

    private static TemplatePiece Markup(string text) => new(text, null, TemplatePieceKind.Markup);
    private static TemplatePiece Markup(int id) => new(null, id, TemplatePieceKind.Markup);
    private static TemplatePiece Content(string text) => new(text, null, TemplatePieceKind.Content);
    private static TemplatePiece Answer(string text) => new(text, null, TemplatePieceKind.Answer);
    private static TemplatePiece Answer(int id) => new(null, id, TemplatePieceKind.Answer);
}

/// <summary>Text or one special token, and what it is: markup, content that may be cut, or an answer (trained).</summary>
public sealed record TemplatePiece(string? Text, int? TokenId, TemplatePieceKind Kind);

public enum TemplatePieceKind
{
    Markup,
    Content,
    Answer,
}
