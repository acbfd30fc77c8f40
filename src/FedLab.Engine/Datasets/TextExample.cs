namespace FedLab.Engine.Datasets;

/// <summary>One labelled text; <paramref name="Label"/> indexes <see cref="TextDataset.ClassNames"/>.</summary>
public sealed record TextExample(string Text, int Label)
{
    /// <summary>
    /// For generative data, the conversation (the last message is the assistant's answer); null for classification.
    /// Then <see cref="Label"/> is the answer's class when the answers form a small set, else 0.
    /// </summary>
    public IReadOnlyList<Tasks.Generative.ChatMessage>? Messages { get; init; }
}
