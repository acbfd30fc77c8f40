using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// Whether a SplitFed run trains the client half of each group of clients in one batched pass
/// (<see cref="BatchedSplitTrainer"/>, issue 16): the same switch as FedLLM's (spec <c>clientBatching</c>, else
/// <see cref="EngineOptions.ClientBatching"/>, else on CUDA only), for variant <c>splitfed</c> only (sequential split
/// learning passes one client-side part from client to client) and only for what the batched bottom can apply per
/// client: LoRA below the cut, full fine-tuning of a family that applies per-client parameters (BERT), or nothing
/// trainable below the cut (head-only, or LoRA only above it). Classification only; remote clients are never batched
/// (the caller decides).
/// </summary>
public static class SplitBatching
{
    public static (bool On, int MaxPerGroup) Setting(RunEnvironment env, EngineOptions engine)
    {
        var spec = env.Spec.ClientBatching;
        bool wanted = spec?.Enabled ?? engine.ClientBatching ?? BatchedRound.DefaultOn(env.Device);
        bool on = wanted && env.Spec.Split.Variant == SplitVariant.SplitFed && Supports(env);
        return (on, spec?.MaxClientsPerGroup ?? engine.MaxClientsPerGroup);
    }

    /// <summary>Whether this run's client-side part can be applied per client in one batched bottom pass.</summary>
    public static bool Supports(RunEnvironment env)
    {
        if (env.Generative is not null)
        {
            return false;
        }
        var client = SplitParts.Of(env.Trainable, env.Spec.Split.CutLayer).Client;
        if (client.Count == 0)
        {
            return true; // the bottom is frozen: shared by the group as it is
        }
        return env.Mode switch
        {
            Models.FineTuneMode.Lora => env.Lora is not null,
            Models.FineTuneMode.Full => env.Model.Backbone.AppliesPerClientParameters,
            _ => false,
        };
    }
}
