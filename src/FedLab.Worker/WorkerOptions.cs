using System.Globalization;
using System.Net;
using FedLab.Cluster;

namespace FedLab.Worker;

/// <summary>
/// The worker's command line. Membership and TLS are <see cref="ClusterSettings"/> (the same names as the coordinator's
/// FedLab:Cluster section); the rest says where this silo listens and where the engine finds models and data.
/// </summary>
internal sealed class WorkerOptions
{
    public ClusterSettings Cluster { get; } = new() { Enabled = true };
    public int SiloPort { get; private set; } = 11111;
    public int GatewayPort { get; private set; } = 30000;
    /// <summary>Localhost membership: the first worker's silo endpoint; absent on the first worker.</summary>
    public IPEndPoint? Primary { get; private set; }
    /// <summary>Redis/PostgreSQL membership: the address other machines reach this worker at (listens on all interfaces).</summary>
    public IPAddress? Advertise { get; private set; }
    public int Threads { get; private set; }
    public string? DataDirectory { get; private set; }
    public string? UploadDirectory { get; private set; }
    public string? ModelsDirectory { get; private set; }
    public string? CacheDirectory { get; private set; }

    public const string Usage = """
        usage: dotnet run --project src/FedLab.Worker -- [options]
          --silo-port N           port for silo-to-silo traffic (default 11111)
          --gateway-port N        port the coordinator connects to (default 30000)
          --membership KIND       localhost (default), redis or postgres
          --primary HOST:PORT     localhost membership: the first worker's silo endpoint (omit on the first worker)
          --connection STRING     redis or postgres membership: the connection string
          --advertise IP          redis or postgres membership: this machine's address as the others reach it
          --cluster-id ID         the cluster's id (default fedlab); --service-id ID (default fedlab)
          --tls-certificate FILE  the cluster's PKCS#12 certificate (every member uses the same); --tls-password P
          --call-timeout SECONDS  longest call between members (default 600)
          --threads N             libtorch threads, as the coordinator's FedLab:EngineThreads (default 0 = one per core)
          --data-dir DIR, --upload-dir DIR, --models-dir DIR, --cache-dir DIR   where the engine finds data and models
        """;

    /// <summary>Parses the arguments; problems name the option.</summary>
    public static (WorkerOptions? Options, IReadOnlyList<string> Problems) Parse(IReadOnlyList<string> args)
    {
        var o = new WorkerOptions();
        var problems = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count)
            {
                problems.Add($"{name}: a value is required");
                break;
            }
            string value = args[++i];
            switch (name)
            {
                case "--silo-port": o.SiloPort = Port(name, value, problems); break;
                case "--gateway-port": o.GatewayPort = Port(name, value, problems); break;
                case "--membership": o.Cluster.Membership = value; break;
                case "--primary":
                    if (IPEndPoint.TryParse(value, out var primary) && primary.Port > 0)
                    {
                        o.Primary = primary;
                    }
                    else
                    {
                        problems.Add($"--primary: expected IP:PORT (e.g. 127.0.0.1:11111), got '{value}'");
                    }
                    break;
                case "--connection": o.Cluster.ConnectionString = value; break;
                case "--advertise":
                    if (IPAddress.TryParse(value, out var address))
                    {
                        o.Advertise = address;
                    }
                    else
                    {
                        problems.Add($"--advertise: expected an IP address, got '{value}'");
                    }
                    break;
                case "--cluster-id": o.Cluster.ClusterId = value; break;
                case "--service-id": o.Cluster.ServiceId = value; break;
                case "--tls-certificate": o.Cluster.TlsCertificate = value; break;
                case "--tls-password": o.Cluster.TlsCertificatePassword = value; break;
                case "--call-timeout": o.Cluster.CallTimeoutSeconds = Number(name, value, 1, 86_400, problems); break;
                case "--threads": o.Threads = Number(name, value, 0, 1024, problems); break;
                case "--data-dir": o.DataDirectory = value; break;
                case "--upload-dir": o.UploadDirectory = value; break;
                case "--models-dir": o.ModelsDirectory = value; break;
                case "--cache-dir": o.CacheDirectory = value; break;
                default: problems.Add($"unknown option '{name}'"); break;
            }
        }
        problems.AddRange(o.Cluster.Problems("--").Select(p => p.Replace("--:", "--", StringComparison.Ordinal)));
        if (o.Cluster.Membership != "localhost" && o.Primary is not null)
        {
            problems.Add("--primary is only for localhost membership");
        }
        if (o.Advertise is not null && !IPAddress.IsLoopback(o.Advertise) && o.Cluster.TlsCertificate is null)
        {
            problems.Add("--advertise beyond loopback needs --tls-certificate (the cluster's shared certificate)");
        }
        return problems.Count > 0 ? (null, problems) : (o, problems);
    }

    private static int Port(string name, string value, List<string> problems) => Number(name, value, 1, 65535, problems);

    private static int Number(string name, string value, int min, int max, List<string> problems)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max)
        {
            return n;
        }
        problems.Add($"{name}: expected a whole number from {min} to {max}, got '{value}'");
        return 0;
    }
}
