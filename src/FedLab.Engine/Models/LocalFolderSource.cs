namespace FedLab.Engine.Models;

/// <summary>
/// A local Hugging Face folder (config.json, model.safetensors or a sharded index, tokenizer.json): the user's own
/// download, since nothing is fetched from a model hub. Weights are streamed from the folder at each load.
/// </summary>
public sealed record LocalFolderSource(string Folder, string Licence) : ModelSource($"local folder {Folder}", Licence)
{
    public override bool HasWeights => true;
}
