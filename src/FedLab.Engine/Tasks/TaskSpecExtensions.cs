using FedLab.Engine.Runs;

namespace FedLab.Engine.Tasks;

public static class TaskSpecExtensions
{
    /// <summary>Whether the spec asks for generative instruction tuning (a spec without a task section classifies).</summary>
    public static bool IsGenerative(this RunSpec spec) => spec.Task?.Kind == TaskKind.Generative;
}
