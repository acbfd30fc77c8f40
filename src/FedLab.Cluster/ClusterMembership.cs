using System.Net;
using Microsoft.Extensions.Hosting;
using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace FedLab.Cluster;

/// <summary>The one place that turns <see cref="ClusterSettings"/> into Orleans membership, ids and TLS, for clients and silos alike.</summary>
public static class ClusterMembership
{
    public static IClientBuilder UseFedLabCluster(this IClientBuilder builder, ClusterSettings settings)
    {
        switch (settings.Membership)
        {
            case "redis":
                builder.UseRedisClustering(settings.ConnectionString!);
                break;
            case "postgres":
                builder.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = settings.ConnectionString; });
                break;
            default:
                builder.UseLocalhostClustering(settings.GatewayPorts, settings.ServiceId, settings.ClusterId);
                break;
        }
        builder.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        builder.Configure<MessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(settings.CallTimeoutSeconds));
        builder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(settings.CallTimeoutSeconds));
        if (Certificate(settings) is { } certificate)
        {
            builder.UseTls(certificate, o => Secure(o, certificate));
        }
        return builder;
    }

    /// <param name="primary">Localhost membership: the first worker's silo endpoint (null on the first worker itself).</param>
    public static ISiloBuilder UseFedLabCluster(this ISiloBuilder builder, ClusterSettings settings, int siloPort, int gatewayPort, IPEndPoint? primary, IPAddress? advertised)
    {
        switch (settings.Membership)
        {
            case "redis":
                builder.UseRedisClustering(settings.ConnectionString!);
                builder.ConfigureEndpoints(advertised ?? IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: advertised is not null);
                break;
            case "postgres":
                builder.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = settings.ConnectionString; });
                builder.ConfigureEndpoints(advertised ?? IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: advertised is not null);
                break;
            default:
                builder.UseLocalhostClustering(siloPort, gatewayPort, primary, settings.ServiceId, settings.ClusterId);
                break;
        }
        builder.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        // A killed worker is declared dead within seconds (default: about a minute), so the next round skips it.
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        builder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(settings.CallTimeoutSeconds));
        if (Certificate(settings) is { } certificate)
        {
            builder.UseTls(certificate, o => Secure(o, certificate));
        }
        return builder;
    }

    private static X509Certificate2? Certificate(ClusterSettings settings) =>
        settings.TlsCertificate is null ? null : X509CertificateLoader.LoadPkcs12FromFile(settings.TlsCertificate, settings.TlsCertificatePassword);

    /// <summary>Mutual TLS where the only certificate accepted is the cluster's own: holding it (and its key) is membership.</summary>
    private static void Secure(TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote.Thumbprint == certificate.Thumbprint;
    }
}
