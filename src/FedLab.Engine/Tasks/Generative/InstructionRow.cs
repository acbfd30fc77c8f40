using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>One conversation read from an instruction file, with its line (for errors) and its split when the file gives one.</summary>
internal readonly record struct InstructionRow(int Line, IReadOnlyList<ChatMessage> Messages, DatasetSplit? Split)
{
    /// <summary>The answer the model is to write: the last assistant message.</summary>
    public string Answer => Messages[^1].Content;
}
