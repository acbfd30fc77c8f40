namespace FedLab.Engine.Models;

/// <summary>
/// How a classification head reduces a sequence of hidden states to one vector: the mean over real tokens (encoders)
/// or the last real token (decoders, whose last position is the only one that has seen the whole text).
/// </summary>
public enum SequencePooling
{
    Mean,
    LastToken,
}
