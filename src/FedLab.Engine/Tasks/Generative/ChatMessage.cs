namespace FedLab.Engine.Tasks.Generative;

/// <summary>One turn of a conversation: role system, user or assistant, and its text.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}
