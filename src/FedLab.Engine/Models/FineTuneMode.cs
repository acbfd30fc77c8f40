namespace FedLab.Engine.Models;

/// <summary>Which parameters train: LoRA adapters + head, every parameter, or the head alone.</summary>
public enum FineTuneMode
{
    Lora,
    Full,
    HeadOnly,
}
