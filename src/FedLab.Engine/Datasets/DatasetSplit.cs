namespace FedLab.Engine.Datasets;

/// <summary>Which part of a dataset an example belongs to.</summary>
public enum DatasetSplit
{
    Train,
    Test,

    /// <summary>Held-out unlabelled pool (e.g. for distillation); the frameworks never read its labels.</summary>
    Public,
}
