namespace FedLab.Data;

/// <summary>A run cannot be resumed; the message says why in plain words, and nothing was changed.</summary>
public sealed class ResumeRefusedException(string message, Exception? inner = null) : Exception(message, inner);
