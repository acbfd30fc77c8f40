namespace FedLab.Engine.Datasets;

/// <summary>
/// Deals training examples out to federated clients. Deterministic by seed (own PRNG, no hash or dictionary
/// order involved); every example goes to exactly one client and every client gets at least one.
/// </summary>
public static class Partitioner
{
    /// <summary>Dirichlet draws tried before empty clients are topped up by hand (see <see cref="Split"/>).</summary>
    public const int DirichletAttempts = 10;

    /// <param name="labels">labels[i] is the class of training example i; the result holds indices into it.</param>
    /// <param name="dirichletAlpha">Only for <see cref="PartitionKind.Dirichlet"/>: concentration, &gt; 0; smaller is more skewed.</param>
    /// <param name="shardsPerClient">Only for <see cref="PartitionKind.Shards"/>: shards (so roughly labels) per client.</param>
    /// <remarks>
    /// Dirichlet: for each class, the class's examples (shuffled) are cut among the clients by proportions
    /// drawn from Dirichlet(alpha · 1). If a client ends up empty, the whole draw is repeated, up to
    /// <see cref="DirichletAttempts"/> draws; if one is still empty after that, each empty client takes one
    /// example from the currently largest client (its last-placed one), which keeps the skew nearly intact.
    /// </remarks>
    public static ClientPartition Split(IReadOnlyList<int> labels, int numClasses, int clients,
        PartitionKind kind, double dirichletAlpha, int shardsPerClient, int seed)
    {
        Validate(labels, numClasses, clients, kind, dirichletAlpha, shardsPerClient);
        // A stream per kind, so the three kinds with one seed are unrelated draws.
        var random = new SeededRandom(seed, stream: 0x9A27_0000UL + (ulong)kind);
        List<int>[] assignment = kind switch
        {
            PartitionKind.Iid => Iid(labels.Count, clients, random),
            PartitionKind.Dirichlet => Dirichlet(labels, numClasses, clients, dirichletAlpha, random),
            PartitionKind.Shards => Shards(labels, clients, shardsPerClient, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return Build(assignment, labels, numClasses);
    }

    /// <summary>
    /// Mean over clients of the total-variation distance between the client's label distribution and the
    /// global one (over all clients): 0 when every client has the global mix, approaching 1 when clients hold
    /// disjoint rare classes.
    /// </summary>
    public static double MeanLabelSkew(ClientPartition p, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Clients == 0)
        {
            return 0;
        }
        var global = new double[numClasses];
        foreach (int[] histogram in p.LabelHistograms)
        {
            if (histogram.Length != numClasses)
            {
                throw new ArgumentException($"histogram has {histogram.Length} classes, expected {numClasses}", nameof(p));
            }
            for (int k = 0; k < numClasses; k++)
            {
                global[k] += histogram[k];
            }
        }
        double total = global.Sum();
        double sum = 0;
        foreach (int[] histogram in p.LabelHistograms)
        {
            double size = histogram.Sum();
            double distance = 0;
            for (int k = 0; k < numClasses && size > 0; k++)
            {
                distance += Math.Abs(histogram[k] / size - global[k] / total);
            }
            sum += distance / 2;
        }
        return sum / p.Clients;
    }

    private static List<int>[] Iid(int n, int clients, SeededRandom random)
    {
        int[] order = [.. Enumerable.Range(0, n)];
        random.Shuffle(order);
        var assignment = NewAssignment(clients);
        for (int c = 0; c < clients; c++)
        {
            int from = (int)((long)c * n / clients), to = (int)((long)(c + 1) * n / clients);
            assignment[c].AddRange(order[from..to]);
        }
        return assignment;
    }

    private static List<int>[] Dirichlet(IReadOnlyList<int> labels, int numClasses, int clients, double alpha, SeededRandom random)
    {
        var byClass = new List<int>[numClasses];
        for (int k = 0; k < numClasses; k++)
        {
            byClass[k] = [];
        }
        for (int i = 0; i < labels.Count; i++)
        {
            byClass[labels[i]].Add(i);
        }
        foreach (List<int> members in byClass)
        {
            random.Shuffle(members);
        }

        List<int>[] assignment = NewAssignment(clients);
        for (int attempt = 0; attempt < DirichletAttempts; attempt++)
        {
            assignment = NewAssignment(clients);
            foreach (List<int> members in byClass)
            {
                if (members.Count == 0)
                {
                    continue;
                }
                double[] share = DirichletSampler.Sample(random, alpha, clients);
                double cumulative = 0;
                int start = 0;
                for (int c = 0; c < clients; c++)
                {
                    cumulative += share[c];
                    int end = c == clients - 1
                        ? members.Count
                        : Math.Clamp((int)Math.Round(cumulative * members.Count), start, members.Count);
                    assignment[c].AddRange(members.GetRange(start, end - start));
                    start = end;
                }
            }
            if (Array.TrueForAll(assignment, a => a.Count > 0))
            {
                return assignment;
            }
        }

        // Still an empty client after the redraws: it takes one example from the largest client. Since there
        // are at least as many examples as clients, the largest client has two or more whenever one is empty.
        foreach (List<int> empty in assignment.Where(a => a.Count == 0).ToList())
        {
            List<int> largest = assignment.MaxBy(a => a.Count)!;
            empty.Add(largest[^1]);
            largest.RemoveAt(largest.Count - 1);
        }
        return assignment;
    }

    private static List<int>[] Shards(IReadOnlyList<int> labels, int clients, int shardsPerClient, SeededRandom random)
    {
        // Shuffle before the (stable) sort so the order within a label is random rather than the file's order.
        int[] shuffled = [.. Enumerable.Range(0, labels.Count)];
        random.Shuffle(shuffled);
        int[] sorted = [.. shuffled.OrderBy(i => labels[i])];

        int shards = clients * shardsPerClient;
        int[] shardOrder = [.. Enumerable.Range(0, shards)];
        random.Shuffle(shardOrder);
        var assignment = NewAssignment(clients);
        for (int slot = 0; slot < shards; slot++)
        {
            int shard = shardOrder[slot];
            int from = (int)((long)shard * sorted.Length / shards), to = (int)((long)(shard + 1) * sorted.Length / shards);
            assignment[slot / shardsPerClient].AddRange(sorted[from..to]);
        }
        return assignment;
    }

    private static ClientPartition Build(List<int>[] assignment, IReadOnlyList<int> labels, int numClasses)
    {
        var indices = new int[assignment.Length][];
        var histograms = new int[assignment.Length][];
        for (int c = 0; c < assignment.Length; c++)
        {
            indices[c] = [.. assignment[c].Order()];
            histograms[c] = new int[numClasses];
            foreach (int i in indices[c])
            {
                histograms[c][labels[i]]++;
            }
        }
        return new ClientPartition(Array.AsReadOnly(indices), Array.AsReadOnly(histograms));
    }

    private static List<int>[] NewAssignment(int clients)
    {
        var assignment = new List<int>[clients];
        for (int c = 0; c < clients; c++)
        {
            assignment[c] = [];
        }
        return assignment;
    }

    private static void Validate(IReadOnlyList<int> labels, int numClasses, int clients,
        PartitionKind kind, double dirichletAlpha, int shardsPerClient)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "there must be at least one class");
        }
        if (clients < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(clients), clients, "there must be at least one client");
        }
        if (clients > labels.Count)
        {
            throw new ArgumentException(
                $"cannot give each of {clients} clients at least one example: there are only {labels.Count} training examples",
                nameof(clients));
        }
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)numClasses)
            {
                throw new ArgumentException($"labels[{i}] = {labels[i]} is outside 0..{numClasses - 1}", nameof(labels));
            }
        }
        if (kind == PartitionKind.Dirichlet && !(dirichletAlpha > 0 && double.IsFinite(dirichletAlpha)))
        {
            throw new ArgumentOutOfRangeException(nameof(dirichletAlpha), dirichletAlpha, "Dirichlet alpha must be a positive finite number");
        }
        if (kind == PartitionKind.Shards)
        {
            if (shardsPerClient < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(shardsPerClient), shardsPerClient, "each client needs at least one shard");
            }
            if ((long)clients * shardsPerClient > labels.Count)
            {
                throw new ArgumentException(
                    $"{clients} clients x {shardsPerClient} shards = {(long)clients * shardsPerClient} shards, but there are only {labels.Count} training examples (a shard needs at least one)",
                    nameof(shardsPerClient));
            }
        }
    }
}
