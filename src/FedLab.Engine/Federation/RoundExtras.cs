namespace FedLab.Engine.Federation;

/// <summary>
/// Metrics of the open set (names like "privacy.epsilon", "time.roundSeconds") that the run's client runner and
/// aggregator wrappers note during a round; the executor attaches them to the round's and the clients' metrics.
/// One per run, used on the run's thread only.
/// </summary>
public sealed class RoundExtras
{
    private readonly Dictionary<string, double> _round = [];
    private readonly Dictionary<int, Dictionary<string, double>> _clients = [];

    public void Set(string name, double value) => _round[name] = value;

    public void SetClient(int client, string name, double value)
    {
        if (!_clients.TryGetValue(client, out var values))
        {
            _clients[client] = values = [];
        }
        values[name] = value;
    }

    public IReadOnlyDictionary<string, double>? Client(int client) =>
        _clients.TryGetValue(client, out var values) && values.Count > 0 ? new Dictionary<string, double>(values) : null;

    /// <summary>The round's values (null when none), and forgets everything for the next round.</summary>
    public IReadOnlyDictionary<string, double>? TakeRound()
    {
        var values = _round.Count > 0 ? new Dictionary<string, double>(_round) : null;
        _round.Clear();
        _clients.Clear();
        return values;
    }
}
