using CstPortal.Data;

namespace CstPortal.Common;

/// <summary>
/// What a cluster of CstPortal nodes shares, read from configuration when the services are built: the database
/// provider (Cst:Database:Provider = Sqlite | PostgreSQL) decides whether live updates cross nodes.
/// </summary>
public static class ClusterSetup
{
    /// <summary>The PostgreSQL connection string when PostgreSQL is the provider; null on SQLite (one node).</summary>
    public static string? PostgresConnectionString(IConfiguration configuration) =>
        DatabaseTarget.FromConfiguration(configuration, dataDirectory: "") is { Provider: DatabaseProvider.PostgreSQL } target ? target.ConnectionString : null;

    /// <summary>
    /// The live-update backplane: PostgreSQL LISTEN/NOTIFY when the app's database (<see cref="DatabaseTarget"/>) is
    /// PostgreSQL, in-process otherwise. Chosen when first resolved, as the database is, so test hosts can set it late.
    /// </summary>
    public static IServiceCollection AddLiveBackplane(this IServiceCollection services)
    {
        services.AddSingleton<ILiveBackplane>(sp =>
            sp.GetService<DatabaseTarget>() is { Provider: DatabaseProvider.PostgreSQL } target
                ? new PostgresBackplane(target.ConnectionString, sp.GetRequiredService<ILogger<PostgresBackplane>>())
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
