namespace FedLab.Engine.Datasets;

/// <summary>How training examples are dealt out to federated clients.</summary>
public enum PartitionKind
{
    /// <summary>Shuffled, equal-sized shares: every client sees the global label mix.</summary>
    Iid,

    /// <summary>Per class, shares drawn from Dirichlet(alpha): small alpha gives skewed label mixes.</summary>
    Dirichlet,

    /// <summary>Sorted by label and cut into shards; each client gets a few shards, so only a few labels.</summary>
    Shards,
}
