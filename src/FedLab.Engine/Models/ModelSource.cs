namespace FedLab.Engine.Models;

/// <summary>
/// Where a model's weights and tokenizer files come from, separate from its family: a package the build downloads
/// (<see cref="PackageSource"/>); later a local Hugging Face folder. <see cref="Origin"/> and <see cref="Licence"/> are
/// shown to people and written into cached weights.
/// </summary>
public abstract record ModelSource(string Origin, string Licence)
{
    /// <summary>False for randomly initialised test models.</summary>
    public abstract bool HasWeights { get; }

    /// <summary>
    /// The model's Hugging Face Hub id ("sentence-transformers/all-MiniLM-L6-v2") where it has one: what an exported
    /// adapter names as its base (PEFT's <c>base_model_name_or_path</c>); null for models that exist only here.
    /// </summary>
    public string? HubId { get; init; }
}
