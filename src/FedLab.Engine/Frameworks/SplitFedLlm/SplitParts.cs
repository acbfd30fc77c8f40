using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp.Modules;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// The trainable parameters on each side of the cut, by checkpoint name: the embeddings and blocks [0, cut) are
/// the client's, blocks [cut, L), a decoder's final norm and the head the server's. A name that fits none is an
/// error, not a guess. Block names of every family: BERT encoder.layer.N, Llama/Qwen layers.N, GPT-2 h.N.
/// </summary>
public sealed partial record SplitParts(
    IReadOnlyList<(string Name, Parameter Parameter)> Client,
    IReadOnlyList<(string Name, Parameter Parameter)> Server)
{
    public static SplitParts Of(IReadOnlyList<(string Name, Parameter Parameter)> trainable, int cut)
    {
        var client = new List<(string, Parameter)>();
        var server = new List<(string, Parameter)>();
        foreach (var entry in trainable)
        {
            (IsClientSide(entry.Name, cut) ? client : server).Add(entry);
        }
        return new SplitParts(client, server);
    }

    public static bool IsClientSide(string name, int cut)
    {
        if (name.StartsWith("backbone.embeddings.", StringComparison.Ordinal) || DecoderEmbeddings().IsMatch(name))
        {
            return true;
        }
        // A generative decoder's untied language-model head (backbone.lm_head) is the server's, with the final norm.
        if (name.StartsWith("head.", StringComparison.Ordinal) || DecoderFinalNorm().IsMatch(name) || name == "backbone.lm_head")
        {
            return false;
        }
        var match = BlockName().Match(name);
        if (!match.Success)
        {
            throw new InvalidOperationException($"cannot tell which side of the cut parameter '{name}' belongs to");
        }
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) < cut;
    }

    [GeneratedRegex(@"^backbone\.(?:encoder\.layer|layers|h)\.(\d+)\.")]
    private static partial Regex BlockName();

    [GeneratedRegex(@"^backbone\.(?:embed_tokens|wte|wpe)\.")]
    private static partial Regex DecoderEmbeddings();

    [GeneratedRegex(@"^backbone\.(?:norm|ln_f)\.")]
    private static partial Regex DecoderFinalNorm();
}
