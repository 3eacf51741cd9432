using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Geo;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Addresses;

/// <summary>An address found in the register.</summary>
public sealed record AddressMatch(string Text, double Latitude, double Longitude);

/// <summary>
/// The city's address register: finds addresses as people type them (the report form's "find the address", an Open311
/// address_string without a point) and replaces the register from an admin's CSV file. No outside geocoder: the city's
/// own list of addresses, so it works offline and gives only points the city routes.
/// </summary>
public sealed class AddressRegister(IDbContextFactory<CstDbContext> dbFactory, ZoneDirectory zones, TimeProvider clock)
{
    public const int MaxMatches = 8;
    private const int ImportBatch = 5_000;

    /// <summary>
    /// The addresses holding every word of the query (in any order, each word anywhere in a word of the address), those
    /// that start with the query first, then the shortest. A scan of the register's search keys: fine for the hundreds of
    /// thousands of addresses of a city.
    /// </summary>
    public async Task<IReadOnlyList<AddressMatch>> SearchAsync(string? query, int take = MaxMatches, CancellationToken ct = default)
    {
        var words = AddressText.QueryWords(query);
        if (words.Count == 0) return [];
        var key = string.Join(' ', words);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AddressPoints.AsNoTracking();
        foreach (var word in words) q = q.Where(a => a.SearchKey.Contains(word));
        return await q.OrderBy(a => a.SearchKey.StartsWith(key) ? 0 : 1).ThenBy(a => a.SearchKey.Length).ThenBy(a => a.SearchKey)
            .Take(Math.Clamp(take, 1, 50)).Select(a => new AddressMatch(a.Text, a.Latitude, a.Longitude)).ToListAsync(ct);
    }

    /// <summary>The address whose text is this one (case, punctuation and street-type abbreviations aside), or null.</summary>
    public async Task<AddressMatch?> FindAsync(string? text, CancellationToken ct = default)
    {
        var key = AddressText.Key(text);
        if (key.Length == 0) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AddressPoints.AsNoTracking().Where(a => a.SearchKey == key)
            .Select(a => new AddressMatch(a.Text, a.Latitude, a.Longitude)).SingleOrDefaultAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AddressPoints.CountAsync(ct);
    }

    /// <summary>
    /// Replaces the whole register with the addresses of a CSV file (<see cref="AddressCsv"/>), in one transaction with
    /// its audit entry. A file with any problem, or an address outside every zone of the city, changes nothing and the
    /// message lists the first problems with their lines.
    /// </summary>
    public async Task<Result<int>> ImportAsync(TextReader csv, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result<int>.Fail(Texts.Get("Only an administrator can replace the address register."));
        var locator = await zones.LocatorAsync(ct);
        var (rows, problems) = AddressCsv.Read(csv, (lat, lng) => locator.Locate(lat, lng) is not null);
        if (problems.Count > 0) return Result<int>.Fail(Summary(problems));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.AddressPoints.ExecuteDeleteAsync(ct);
        foreach (var batch in rows.Chunk(ImportBatch))
        {
            db.AddressPoints.AddRange(batch.Select(r => new AddressPoint(r.Text, r.Latitude, r.Longitude)));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await AuditLog.AppendAsync(db, actor.Info, "admin.addresses.import", "AddressRegister", "*",
            new { addresses = rows.Count, replaced = removed }, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private static string Summary(IReadOnlyList<string> problems)
    {
        var shown = string.Join(" ", problems.Take(AddressCsv.MaxProblemsShown));
        return problems.Count > AddressCsv.MaxProblemsShown
            ? $"{shown} {Texts.Get("And {0:N0} more problems.", problems.Count - AddressCsv.MaxProblemsShown)}"
            : shown;
    }
}
