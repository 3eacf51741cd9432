using System.Net;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Features.Audit;
using CstPortal.Features.Operations;
using CstPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace CstPortal.Tests.Features.Operations;

public class HealthTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task Healthz_reports_database_migrations_and_scheduler_healthy()
    {
        var client = factory.CreateClient();
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await Eventually.TrueAsync(async () => await scheduler.GetStatus() == SchedulerStatus.Running, TimeSpan.FromSeconds(30));

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", root.GetProperty("status").GetString());
        foreach (var check in new[] { "database", "migrations", "scheduler" })
            Assert.Equal("Healthy", root.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
    }
}

public class UnhealthyTests : IAsyncLifetime
{
    private readonly CstAppFactory _factory = new();

    public Task InitializeAsync() { _ = _factory.Server; return Task.CompletedTask; }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Healthz_answers_503_when_the_scheduler_stopped()
    {
        var scheduler = await _factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await Eventually.TrueAsync(async () => await scheduler.GetStatus() == SchedulerStatus.Running, TimeSpan.FromSeconds(30));
        await scheduler.Standby();

        using var response = await _factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());
        Assert.Equal("Healthy", root.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}

public class BackupTests
{
    [Fact]
    public async Task A_backup_taken_while_requests_are_written_restores_into_a_new_data_directory_with_a_verified_audit_chain()
    {
        await using var city = await TestCity.CreateAsync();
        var citizen = await city.ActorAsync(Roles.Citizen);
        var before = await city.RequestCountAsync();

        // The app keeps serving: reports go on being written while the backup runs.
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await city.ReportPotholeAsync(citizen, $"Pothole written during the backup {writes}");
                Interlocked.Increment(ref writes);
            }
        });
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref writes) >= 2), TimeSpan.FromSeconds(60));

        var target = TestCity.NewTempDirectory();
        var report = DatabaseBackup.Backup(city.Directory, Path.Combine(target, "copy"));
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref writes) >= 4), TimeSpan.FromSeconds(60)); // writers were not blocked
        await stop.CancelAsync();
        await writer;

        Assert.True(report.DatabaseBytes > 0);
        await using var restored = TestCity.BuildServices(report.TargetDirectory, new FakeTimeProvider(TestCity.Now));
        await using (var scope = restored.CreateAsyncScope())
        {
            var verification = await scope.ServiceProvider.GetRequiredService<AuditService>().VerifyAsync();
            Assert.True(verification.Intact, verification.Message);
            Assert.True(verification.EntriesChecked > 0);
        }
        await using (var scope = restored.CreateAsyncScope())
        await using (var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CstPortal.Data.CstDbContext>>().CreateDbContextAsync())
        {
            var copied = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Requests);
            Assert.InRange(copied, before + 2, await city.RequestCountAsync());
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(target, recursive: true); } catch (IOException) { /* temp folder */ }
    }

    [Fact]
    public async Task A_backup_refuses_to_overwrite_an_existing_copy()
    {
        await using var city = await TestCity.CreateAsync();
        var target = Path.Combine(TestCity.NewTempDirectory(), "copy");
        DatabaseBackup.Backup(city.Directory, target);

        Assert.Throws<IOException>(() => DatabaseBackup.Backup(city.Directory, target));
    }
}
