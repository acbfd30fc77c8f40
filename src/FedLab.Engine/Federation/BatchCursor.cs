namespace FedLab.Engine.Federation;

/// <summary>
/// The order in which local training visits a client's examples: a seeded shuffle, walked batch by batch and
/// reshuffled (same generator) whenever it runs out. Every trainer uses it, so the same (seed, round, client)
/// gives the same batches whichever framework trains on them.
/// </summary>
public sealed class BatchCursor
{
    private readonly int[] _order;
    private readonly Random _rng;
    private readonly int[] _batch;
    private int _cursor;

    public BatchCursor(IReadOnlyList<int> indices, int batchSize, long seed)
    {
        if (indices.Count == 0)
        {
            throw new ArgumentException("cannot draw batches from no examples", nameof(indices));
        }
        _rng = new Random(unchecked((int)seed));
        _order = indices.ToArray();
        _rng.Shuffle(_order);
        _batch = new int[Math.Min(batchSize, _order.Length)];
    }

    /// <summary>The next batch's indices; the span is reused by the following call.</summary>
    public ReadOnlySpan<int> Next()
    {
        for (int b = 0; b < _batch.Length; b++)
        {
            if (_cursor == _order.Length)
            {
                _rng.Shuffle(_order);
                _cursor = 0;
            }
            _batch[b] = _order[_cursor++];
        }
        return _batch;
    }
}
