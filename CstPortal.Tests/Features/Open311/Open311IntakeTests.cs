using System.Globalization;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Audit;
using CstPortal.Features.Open311;
using CstPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CstPortal.Tests.Features.Open311;

/// <summary>
/// The Open311 group-commit writer (Open311Intake): many posts to a transaction, each answered after the commit,
/// each stored exactly once, one failing post failing alone, one Idempotency-Key making one request.
/// </summary>
public class Open311IntakeTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private ApiCaller _caller = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _caller = (await _city.Get<ApiKeyService>().CheckAsync("riverton-demo-key"))!;
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private static Open311Post Post(string description, string serviceCode = "litterbin", double? lat = null, Dictionary<string, string>? attributes = null) =>
        new(serviceCode, lat ?? Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null, description, null, null,
            attributes ?? [], Open311Service.HashForm([new("service_code", serviceCode), new("description", description),
                new("lat", (lat ?? Scenario.CityCentre.Lat).ToString(CultureInfo.InvariantCulture))]));

    private Task<Open311Outcome<Open311Receipt>> SubmitAsync(Open311Post post, string? key = null) =>
        _city.Get<Open311Service>().SubmitAsync(post, _caller, key);

    [Fact]
    public async Task Concurrent_posts_are_each_stored_once_under_their_number_with_an_intact_audit_chain()
    {
        await using (var db = _city.Db()) Assert.True(await db.Requests.AnyAsync()); // the city has history to chain onto
        var posts = Enumerable.Range(1, 120).Select(i => SubmitAsync(Post($"Overflowing bin number {i}"), i % 2 == 0 ? $"key-{i}" : null)).ToList();
        var outcomes = await Task.WhenAll(posts);

        Assert.All(outcomes, o => Assert.Null(o.Error));
        var numbers = outcomes.Select(o => o.Value!.RequestId!).ToList();
        Assert.Equal(120, numbers.Distinct().Count());
        Assert.Equal(120, outcomes.Select(o => o.Value!.Token).Distinct().Count());

        await using var check = _city.Db();
        var stored = await check.Requests.Where(r => numbers.Contains(r.Number)).Select(r => new { r.Number, r.Description, r.ResolutionDueAt }).ToListAsync();
        Assert.Equal(120, stored.Count);
        Assert.All(stored, r => Assert.NotNull(r.ResolutionDueAt)); // SLA due times set as on the citizen path
        var submissions = await check.Open311Submissions.Where(s => numbers.Contains(s.RequestNumber!)).ToListAsync();
        Assert.Equal(120, submissions.Count);
        Assert.Equal(60, submissions.Count(s => s.IdempotencyKey is not null));
        Assert.All(outcomes, o => Assert.Equal(o.Value!.RequestId, submissions.Single(s => s.Token == o.Value.Token).RequestNumber));
        var audited = await check.AuditEntries.Where(e => e.Action == "request.submit" && numbers.Contains(e.EntityId)).Select(e => e.EntityId).ToListAsync();
        Assert.Equal(numbers.Order(), audited.Order());
        var history = await check.StatusChanges.CountAsync(h => check.Requests.Any(r => r.Id == h.ServiceRequestId && numbers.Contains(r.Number)));
        Assert.Equal(120, history);

        var chain = await _city.Get<AuditService>().VerifyAsync();
        Assert.True(chain.Intact, chain.Message);
    }

    [Fact]
    public async Task A_post_that_fails_its_checks_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        int before;
        await using (var db = _city.Db()) before = await db.Requests.CountAsync();
        Task<Open311Outcome<Open311Receipt>> first, good1, unknown, outside, unanswered, good2;
        await using (await HoldWritesAsync())
        {
            first = SubmitAsync(Post("Held back by the test's lock"));
            await WaitUntilWaitingAsync(0); // the writer has taken it and waits for the database
            good1 = SubmitAsync(Post("Bin overflowing on the corner"));
            unknown = SubmitAsync(Post("No such service", serviceCode: "no-such-service"));
            outside = SubmitAsync(Post("Far outside the city", lat: 10));
            unanswered = SubmitAsync(Post("Pothole without its required size", serviceCode: "pothole"));
            good2 = SubmitAsync(Post("Another full bin"));
            await WaitUntilWaitingAsync(5); // all five in the queue: they make the next batch together
        }

        Assert.Null((await first).Error);
        Assert.Null((await good1).Error);
        Assert.Null((await good2).Error);
        Assert.Equal(404, (await unknown).Error?.Code);
        Assert.Equal(400, (await outside).Error?.Code);
        Assert.Contains("outside the city", (await outside).Error!.Description);
        Assert.Equal(400, (await unanswered).Error?.Code);
        await using var check = _city.Db();
        Assert.Equal(before + 3, await check.Requests.CountAsync());
        var stored = new[] { (await first).Value!.RequestId, (await good1).Value!.RequestId, (await good2).Value!.RequestId };
        Assert.Equal(3, await check.Open311Submissions.CountAsync(s => stored.Contains(s.RequestNumber)));
        Assert.True((await _city.Get<AuditService>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_twice_in_one_batch_makes_one_request_and_the_same_answer()
    {
        int before;
        await using (var db = _city.Db()) before = await db.Requests.CountAsync();
        Task<Open311Outcome<Open311Receipt>> first, once, again, reused;
        await using (await HoldWritesAsync())
        {
            first = SubmitAsync(Post("Held back by the test's lock"));
            await WaitUntilWaitingAsync(0);
            once = SubmitAsync(Post("Bin overflowing by the school"), "same-key");
            again = SubmitAsync(Post("Bin overflowing by the school"), "same-key");
            reused = SubmitAsync(Post("A different report"), "same-key");
            await WaitUntilWaitingAsync(3);
        }

        Assert.Null((await first).Error);
        var a = (await once).Value!;
        var b = (await again).Value!;
        Assert.Equal(a.RequestId, b.RequestId);
        Assert.Equal(a.Token, b.Token);
        Assert.Equal(400, (await reused).Error?.Code);
        Assert.Contains("already used with a different request", (await reused).Error!.Description);
        await using var check = _city.Db();
        Assert.Equal(before + 2, await check.Requests.CountAsync());
        Assert.Equal(1, await check.Open311Submissions.CountAsync(s => s.IdempotencyKey == "same-key"));
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "request.submit" && e.EntityId == a.RequestId));
    }

    private async Task WaitUntilWaitingAsync(int count) =>
        await Eventually.TrueAsync(() => Task.FromResult(_city.Get<Open311Intake>().Waiting == count), TimeSpan.FromSeconds(20));

    /// <summary>
    /// Keeps the writer waiting, as another writer would: SQLite's write lock (BEGIN IMMEDIATE on a connection of its own),
    /// or on PostgreSQL the audit chain's lock. Posts queued meanwhile make one batch once it is released.
    /// </summary>
    private async Task<IAsyncDisposable> HoldWritesAsync()
    {
        if (_city.Database.Provider == DatabaseProvider.PostgreSQL)
        {
            var pg = new NpgsqlConnection(_city.Database.ConnectionString);
            await pg.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({ChainAppendLock.Key})", pg)) await take.ExecuteNonQueryAsync();
            return new Release(async () =>
            {
                await using (var give = new NpgsqlCommand($"SELECT pg_advisory_unlock({ChainAppendLock.Key})", pg)) await give.ExecuteNonQueryAsync();
                await pg.DisposeAsync();
            });
        }
        var sqlite = new SqliteConnection(_city.Database.ConnectionString);
        await sqlite.OpenAsync();
        await using (var begin = new SqliteCommand("BEGIN IMMEDIATE", sqlite)) await begin.ExecuteNonQueryAsync();
        return new Release(async () =>
        {
            await using (var rollback = new SqliteCommand("ROLLBACK", sqlite)) await rollback.ExecuteNonQueryAsync();
            await sqlite.DisposeAsync();
        });
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
