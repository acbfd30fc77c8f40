namespace FedLab.Engine.Models;

/// <summary>Which linear layers of every encoder block receive LoRA adapters.</summary>
[Flags]
public enum LoraTargets
{
    None = 0,
    Query = 1,
    Key = 2,
    Value = 4,
    AttentionOutput = 8,
    FeedForward = 16,
    Attention = Query | Key | Value | AttentionOutput,
}
