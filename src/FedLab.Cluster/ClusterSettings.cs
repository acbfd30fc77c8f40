namespace FedLab.Cluster;

/// <summary>
/// How the coordinator (the dashboard's or the CLI's <c>FedLab:Cluster</c> section) and the workers
/// (<c>FedLab.Worker</c>'s options) find each other. One membership provider: "localhost" (development clustering on
/// one machine: the first worker holds the membership table), "redis" or "postgres" (a shared membership table for
/// several machines). TLS with one certificate shared by every member (the cluster secret) whenever the cluster is
/// reachable beyond loopback.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "FedLab:Cluster";

    /// <summary>Whether the coordinator connects to a cluster at all (runs then ask for it with execution.mode "cluster").</summary>
    public bool Enabled { get; set; }

    /// <summary>"localhost", "redis" or "postgres".</summary>
    public string Membership { get; set; } = "localhost";

    /// <summary>Localhost membership: the workers' gateway ports (the coordinator connects to these).</summary>
    public int[] GatewayPorts { get; set; } = [30000];

    /// <summary>Redis ("host:port,password=...") or PostgreSQL ("Host=...;Database=...;Username=...;Password=...") connection.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The cluster's id: members with another id never join. Part of the shared setting, with the certificate.</summary>
    public string ClusterId { get; set; } = "fedlab";

    public string ServiceId { get; set; } = "fedlab";

    /// <summary>A PKCS#12 (.pfx) file with the cluster's certificate and private key: every member uses it and accepts only it.</summary>
    public string? TlsCertificate { get; set; }

    public string? TlsCertificatePassword { get; set; }

    /// <summary>Longest a client call may take before its client is reported lost for the round.</summary>
    public int CallTimeoutSeconds { get; set; } = 600;

    /// <summary>Retry a lost worker's client once on another worker in the same round instead of reporting it failed.</summary>
    public bool RetryOnOtherWorker { get; set; }

    /// <summary>Problems with these settings, each naming its field; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems(string prefix = Section)
    {
        var problems = new List<string>();
        if (Membership is not ("localhost" or "redis" or "postgres"))
        {
            problems.Add($"{prefix}:Membership must be localhost, redis or postgres, got '{Membership}'");
        }
        if (Membership == "localhost" && (GatewayPorts.Length == 0 || GatewayPorts.Any(p => p is < 1 or > 65535)))
        {
            problems.Add($"{prefix}:GatewayPorts must list the workers' gateway ports (1-65535)");
        }
        if (Membership is "redis" or "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"{prefix}:ConnectionString is required for {Membership} membership");
        }
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add($"{prefix}:ClusterId and {prefix}:ServiceId must not be empty");
        }
        if (TlsCertificate is not null && !File.Exists(TlsCertificate))
        {
            problems.Add($"{prefix}:TlsCertificate: no file at '{TlsCertificate}'");
        }
        if (CallTimeoutSeconds is < 1 or > 86_400)
        {
            problems.Add($"{prefix}:CallTimeoutSeconds must be between 1 and 86400, got {CallTimeoutSeconds}");
        }
        return problems;
    }
}
