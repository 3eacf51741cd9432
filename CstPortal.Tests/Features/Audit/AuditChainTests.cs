using CstPortal.Common;
using CstPortal.Features.Audit;
using CstPortal.Tests.Infrastructure;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Audit;

public class AuditChainTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        for (var i = 0; i < 3; i++) await _city.ReportPotholeAsync(citizen, $"Pothole number {i}");
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task An_untouched_chain_verifies()
    {
        var result = await _city.Get<AuditService>().VerifyAsync();

        Assert.True(result.Intact, result.Message);
        Assert.Equal(await _city.AuditCountAsync(), result.EntriesChecked);
        Assert.Null(result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Each_entry_links_to_the_hash_of_the_one_before()
    {
        await using var db = _city.Db();
        var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(AuditLog.GenesisHash, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
            Assert.Equal(entries[i - 1].Sequence + 1, entries[i].Sequence);
        }
    }

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_audit_entries()
    {
        await using var db = _city.Db();
        var update = await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ActorName" = 'Mallory' WHERE "Sequence" = 2"""));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" = 2"""));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.True((await _city.Get<AuditService>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Verify_names_the_first_entry_edited_behind_the_applications_back()
    {
        await _city.DisableAppendOnlyGuardsAsync();
        await using (var db = _city.Db())
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "AuditEntries" SET "Data" = {"{\"category\":\"graffiti\"}"} WHERE "Sequence" = 3""");
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ActorName" = 'Mallory' WHERE "Sequence" = 4""");
        }

        var result = await _city.Get<AuditService>().VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("Entry 3", result.Message);
    }

    [Fact]
    public async Task Verify_notices_an_entry_that_was_removed()
    {
        await _city.DisableAppendOnlyGuardsAsync();
        await using (var db = _city.Db())
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" = 2""");

        var result = await _city.Get<AuditService>().VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task A_rewritten_entry_with_a_recomputed_hash_still_breaks_the_next_link()
    {
        await using (var db = _city.Db())
        {
            var second = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 2);
            var forged = second with { ActorName = "Mallory" };
            forged = forged with { Hash = AuditLog.ComputeHash(forged) };
            await _city.DisableAppendOnlyGuardsAsync();
            await db.Database.ExecuteSqlAsync($"""UPDATE "AuditEntries" SET "ActorName" = {forged.ActorName}, "Hash" = {forged.Hash} WHERE "Sequence" = 2""");
        }

        var result = await _city.Get<AuditService>().VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Concurrent_writers_extend_one_chain_without_forking_or_failing()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var before = await _city.AuditCountAsync();

        // Eight writers at once, each with its own context and transaction, as eight circuits (or nodes) would.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _city.ReportPotholeAsync(citizen, $"Parallel pothole {i}"))));

        var result = await _city.Get<AuditService>().VerifyAsync();
        Assert.True(result.Intact, result.Message);
        Assert.Equal(before + 8, result.EntriesChecked);
        await using var db = _city.Db();
        Assert.Equal(before + 8, await db.AuditEntries.Select(e => e.PreviousHash).Distinct().CountAsync()); // no two links share a parent
    }
}
