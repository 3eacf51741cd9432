namespace CstPortal.Common;

/// <summary>
/// What a cluster of CstPortal nodes shares, read from configuration when the services are built: the database
/// provider (Cst:Database:Provider = Sqlite | PostgreSQL) decides whether live updates cross nodes.
/// </summary>
public static class ClusterSetup
{
    /// <summary>The PostgreSQL connection string when PostgreSQL is the provider; null on SQLite (one node).</summary>
    public static string? PostgresConnectionString(IConfiguration configuration) =>
        string.Equals(configuration["Cst:Database:Provider"], "PostgreSQL", StringComparison.OrdinalIgnoreCase)
            ? configuration["Cst:Database:ConnectionString"] is { Length: > 0 } cs ? cs
                : configuration.GetConnectionString("Postgres") is { Length: > 0 } named ? named
                : throw new InvalidOperationException("Cst:Database:Provider is PostgreSQL but no connection string is configured (Cst:Database:ConnectionString).")
            : null;

    /// <summary>
    /// The live-update backplane: PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process otherwise. Chosen when first
    /// resolved, so test hosts can set the provider late.
    /// </summary>
    public static IServiceCollection AddLiveBackplane(this IServiceCollection services)
    {
        services.AddSingleton<ILiveBackplane>(sp =>
            sp.GetService<IConfiguration>() is { } configuration && PostgresConnectionString(configuration) is { } cs
                ? new PostgresBackplane(cs, sp.GetRequiredService<ILogger<PostgresBackplane>>())
                : new InProcessBackplane());
        services.AddHostedService<LiveBackplaneHost>();
        return services;
    }

    /// <summary>Starts and stops a backplane that has connections to manage.</summary>
    private sealed class LiveBackplaneHost(ILiveBackplane backplane) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            backplane is IHostedService hosted ? hosted.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) =>
            backplane is IHostedService hosted ? hosted.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
