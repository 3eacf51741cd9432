using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.ApiKeys;

/// <summary>One row of the admin's key list. The key itself is never read back.</summary>
public sealed record ApiKeyRow(int Id, string Name, string Prefix, string? Role, string? UserEmail, DateTime CreatedAt, DateTime? RevokedAt);

/// <summary>A key that checked out: who is calling.</summary>
public sealed record ApiCaller(int KeyId, string Name, string? Role, string? UserId)
{
    /// <summary>The actor an Open311 client or integration acts as: never staff unless its key has a staff role.</summary>
    public Actor ToActor() => new(UserId, $"{Name} (API)", Role is null ? new HashSet<string>() : new HashSet<string> { Role });
}

/// <summary>The roles a REST token may carry (citizens do not integrate systems).</summary>
public static class ApiRoles
{
    public static readonly string[] Assignable = [Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Manager, Roles.Admin];
}

/// <summary>Creates, lists, revokes and checks API keys; creation and revocation are audited.</summary>
public sealed class ApiKeyService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Creates a key and returns it: the only time it is ever shown.</summary>
    public async Task<Result<string>> CreateAsync(string name, string? role, string? userEmail, Actor admin, CancellationToken ct = default)
        => await CreateWithSecretAsync(name, role, userEmail, ApiKey.NewSecret(), admin, ct);

    /// <summary>Creates a key with a given secret (the demo city's configured key).</summary>
    public async Task<Result<string>> CreateWithSecretAsync(string name, string? role, string? userEmail, string secret, Actor admin, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name)) return Result<string>.Fail(Texts.Get("Give the key a name that says who uses it."));
        if (name.Trim().Length > 200) return Result<string>.Fail(Texts.Get("The name can be at most 200 characters."));
        if (role is not null && !ApiRoles.Assignable.Contains(role)) return Result<string>.Fail(Texts.Get("Choose one of the offered roles."));
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < 8) return Result<string>.Fail(Texts.Get("A key must be at least 8 characters."));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        string? userId = null;
        if (!string.IsNullOrWhiteSpace(userEmail))
        {
            var normalized = userEmail.Trim().ToUpperInvariant();
            userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleOrDefaultAsync(ct);
            if (userId is null) return Result<string>.Fail(Texts.Get("There is no user with that email address."));
        }
        var hash = ApiKey.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, ct)) return Result<string>.Fail(Texts.Get("That key already exists."));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var key = ApiKey.Create(name, secret, role, userId, now);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await AuditLog.AppendAsync(db, admin.Info, "apikey.create", "ApiKey", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { key.Name, key.Prefix, key.Role, userId }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return secret.Trim();
    }

    public async Task<Result> RevokeAsync(int id, Actor admin, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return Result.Fail(Texts.Get("There is no such key."));
        var outcome = key.Revoke(now);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, admin.Info, "apikey.revoke", "ApiKey", id.ToString(System.Globalization.CultureInfo.InvariantCulture), new { key.Name, key.Prefix }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Role, db.Users.Where(u => u.Id == k.UserId).Select(u => u.Email).FirstOrDefault(), k.CreatedAt, k.RevokedAt))
            .ToListAsync(ct);
    }

    /// <summary>The caller a presented key belongs to, if the key exists and is not revoked.</summary>
    public async Task<ApiCaller?> CheckAsync(string? secret, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length > 200) return null;
        var hash = ApiKey.Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new ApiCaller(k.Id, k.Name, k.Role, k.UserId)).SingleOrDefaultAsync(ct);
    }
}
