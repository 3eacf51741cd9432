using System.Text.Json;
using CstPortal.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace CstPortal.Features.Operations;

/// <summary>The database answers a query.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<CstDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("The database cannot be opened.");
            await db.Requests.AnyAsync(ct); // a real query on a real table
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex); // the exception is logged, never answered
        }
    }
}

/// <summary>Every migration the app knows is applied to the database.</summary>
public sealed class MigrationsHealthCheck(IDbContextFactory<CstDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("All migrations are applied.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migrations are not applied.");
    }
}

/// <summary>The Quartz scheduler that runs SLA sweeps, notifications and auto-assignment is running.</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return await scheduler.GetStatus(ct) == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("The job scheduler is running.")
            : HealthCheckResult.Unhealthy("The job scheduler is not running.");
    }
}

/// <summary>/healthz: 200 when the database answers, its migrations are applied and the scheduler runs; 503 otherwise.</summary>
public static class HealthEndpoints
{
    public const string Path = "/healthz";

    public static IServiceCollection AddCstHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<MigrationsHealthCheck>("migrations")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    public static IEndpointRouteBuilder MapCstHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Path, new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.Headers.CacheControl = "no-store";
                return context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
                }));
            },
        });
        return app;
    }
}
