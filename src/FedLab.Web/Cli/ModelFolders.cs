using FedLab.Engine.Models;

namespace FedLab.Web.Cli;

/// <summary>Registers appsettings.json's FedLab:Models (short name → Hugging Face folder) in the model catalog, for the dashboard and the CLI alike.</summary>
internal static class ModelFolders
{
    public static void Register(IReadOnlyDictionary<string, string>? models)
    {
        foreach (var (name, folder) in models ?? new Dictionary<string, string>())
        {
            ModelCatalog.RegisterFolder(name, folder);
        }
    }
}
