using System.Text.Json;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace CstPortal.Features.Admin;

public sealed record CategoryEdit(int? Id, string ServiceCode, string Name, string Group, string Description, Priority DefaultPriority,
    int? RequiredSkillId, int? DefaultTeamId, int DuplicateRadiusMeters, bool AutoAssign, bool IsActive, string Questions);

public sealed record ZoneEdit(int? Id, string Code, string Name, string BoundaryGeoJson);

public sealed record TeamEdit(int? Id, string Name, string Description, string? SupervisorUserId, bool IsActive);

public sealed record AgentEdit(int Id, int TeamId, int Capacity, bool IsActive, IReadOnlyCollection<int> SkillIds, IReadOnlyCollection<int> ZoneIds);

public sealed record UserRow(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool IsDisabled);

public sealed record Named(int Id, string Name);

/// <summary>
/// Reference data: categories, zones, teams, agents, users and roles. Each save validates first and saves
/// nothing on invalid input (the message says what to fix); each change is audited in its transaction.
/// </summary>
public sealed class AdminService(IDbContextFactory<CstDbContext> dbFactory, ZoneDirectory zones, IServiceScopeFactory scopes, TimeProvider clock)
{
    // ---- categories ----
    public async Task<IReadOnlyList<CategoryEdit>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Categories.AsNoTracking().Include(c => c.Questions).OrderBy(c => c.Group).ThenBy(c => c.Name).ToListAsync(ct);
        return list.Select(c => new CategoryEdit(c.Id, c.ServiceCode, c.Name, c.Group, c.Description, c.DefaultPriority, c.RequiredSkillId,
            c.DefaultTeamId, c.DuplicateRadiusMeters, c.AutoAssign, c.IsActive, QuestionsText(c.Questions))).ToList();
    }

    /// <summary>Extra questions as text, one per line: code | prompt | type | required | options (key=Label;key=Label).</summary>
    public static string QuestionsText(IEnumerable<CategoryQuestion> questions) =>
        string.Join("\n", questions.OrderBy(q => q.Order).Select(q =>
            $"{q.Code} | {q.Prompt} | {q.Type} | {(q.Required ? "required" : "optional")} | {q.Options.Replace("\n", ";")}"));

    public static Result<List<CategoryQuestion>> ParseQuestions(string text)
    {
        var list = new List<CategoryQuestion>();
        var lines = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var parts = line.Split('|').Select(p => p.Trim()).ToArray();
            if (parts.Length < 4) return Result<List<CategoryQuestion>>.Fail(Texts.Get("Question line {0} needs: code | prompt | type | required or optional | options.", i + 1));
            if (!Enum.TryParse<QuestionType>(parts[2], true, out var type))
                return Result<List<CategoryQuestion>>.Fail(Texts.Get("Question line {0}: the type must be Text, Number, SingleChoice or MultipleChoice.", i + 1));
            if (parts[0].Length is 0 or > 64 || parts[1].Length is 0 or > 400)
                return Result<List<CategoryQuestion>>.Fail(Texts.Get("Question line {0}: give a code (up to 64 characters) and a prompt.", i + 1));
            var options = parts.Length > 4 ? string.Join("\n", parts[4].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : "";
            if (type is QuestionType.SingleChoice or QuestionType.MultipleChoice && options.Length == 0)
                return Result<List<CategoryQuestion>>.Fail(Texts.Get("Question line {0}: a choice question needs options (key=Label;key=Label).", i + 1));
            list.Add(new CategoryQuestion { Code = parts[0], Prompt = parts[1], Type = type, Required = parts[3].Equals("required", StringComparison.OrdinalIgnoreCase), Options = options, Order = i + 1 });
        }
        if (list.GroupBy(q => q.Code).Any(g => g.Count() > 1)) return Result<List<CategoryQuestion>>.Fail(Texts.Get("Two questions have the same code."));
        return list;
    }

    public async Task<Result> SaveCategoryAsync(CategoryEdit e, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(e.Name) || string.IsNullOrWhiteSpace(e.Group) || string.IsNullOrWhiteSpace(e.ServiceCode))
            return Result.Fail(Texts.Get("A category needs a code, a name and a group."));
        if (e.DuplicateRadiusMeters is < 1 or > 2000) return Result.Fail(Texts.Get("The duplicate radius must be between 1 and 2,000 metres."));
        if (!Enum.IsDefined(e.DefaultPriority)) return Result.Fail(Texts.Get("Choose a default priority."));
        var questions = ParseQuestions(e.Questions);
        if (!questions.Succeeded) return Result.Fail(questions.Error!);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (e.RequiredSkillId is { } s && !await db.Skills.AnyAsync(x => x.Id == s, ct)) return Result.Fail(Texts.Get("That skill does not exist."));
        if (e.DefaultTeamId is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct)) return Result.Fail(Texts.Get("That team does not exist."));
        if (await db.Categories.AnyAsync(c => c.ServiceCode == e.ServiceCode.Trim() && c.Id != e.Id, ct)) return Result.Fail(Texts.Get("Another category already uses that code."));
        if (e.AutoAssign && e.DefaultTeamId is null) return Result.Fail(Texts.Get("Auto-assignment needs a team for requests no agent can take."));

        var c = e.Id is { } id ? await db.Categories.Include(x => x.Questions).SingleOrDefaultAsync(x => x.Id == id, ct) : new Category();
        if (c is null) return Result.Fail(Texts.Get("That category no longer exists."));
        c.ServiceCode = e.ServiceCode.Trim(); c.Name = e.Name.Trim(); c.Group = e.Group.Trim(); c.Description = e.Description?.Trim() ?? "";
        c.DefaultPriority = e.DefaultPriority; c.RequiredSkillId = e.RequiredSkillId; c.DefaultTeamId = e.DefaultTeamId;
        c.DuplicateRadiusMeters = e.DuplicateRadiusMeters; c.AutoAssign = e.AutoAssign; c.IsActive = e.IsActive;
        // Questions are matched by code so existing answers keep their meaning.
        foreach (var q in questions.Value!)
        {
            var existing = c.Questions.FirstOrDefault(x => x.Code == q.Code);
            if (existing is null) c.Questions.Add(q);
            else { existing.Prompt = q.Prompt; existing.Type = q.Type; existing.Required = q.Required; existing.Options = q.Options; existing.Order = q.Order; }
        }
        c.Questions.RemoveAll(x => questions.Value!.All(q => q.Code != x.Code));
        if (e.Id is null) db.Categories.Add(c);
        await db.SaveChangesAsync(ct);
        await AuditLog.AppendAsync(db, actor.Info, "admin.category.save", "Category", c.ServiceCode, e, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    // ---- zones ----
    public async Task<IReadOnlyList<ZoneEdit>> ZonesAsync(CancellationToken ct = default) =>
        (await zones.ZonesAsync(ct)).Select(z => new ZoneEdit(z.Id, z.Code, z.Name, z.BoundaryGeoJson)).ToList();

    public Task<string> ZonesGeoJsonAsync(CancellationToken ct = default) => zones.FeatureCollectionAsync(ct);

    /// <summary>Overlaps and gaps among the saved zones.</summary>
    public async Task<IReadOnlyList<string>> CoverageProblemsAsync(CancellationToken ct = default) =>
        ZoneCoverage.Problems((await zones.ZonesAsync(ct)).Select(z => (z.Name, ZoneLocator.ParseGeometry(z.BoundaryGeoJson))).ToList());

    private static Result<Geometry> Parse(string json)
    {
        try { return ZoneLocator.ParseGeometry(json); }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return Result<Geometry>.Fail(Texts.Get("The boundary is not a valid GeoJSON Polygon or MultiPolygon: {0}", ex.Message));
        }
    }

    /// <summary>The saved zones with one boundary replaced (or added) as edited, for a map preview before saving.</summary>
    public async Task<Result<string>> PreviewZoneAsync(ZoneEdit e, CancellationToken ct = default)
    {
        var shape = Parse(e.BoundaryGeoJson ?? "");
        if (!shape.Succeeded) return Result<string>.Fail(shape.Error!);
        var edited = (Name: string.IsNullOrWhiteSpace(e.Name) ? "(new zone)" : e.Name.Trim(), BoundaryGeoJson: ZoneLocator.ToGeoJson(shape.Value!));
        var features = (await zones.ZonesAsync(ct)).Where(z => z.Id != e.Id).Select(z => (z.Name, z.BoundaryGeoJson)).Append(edited)
            .Select(z => "{\"type\":\"Feature\",\"properties\":{\"name\":" + JsonSerializer.Serialize(z.Name) + "},\"geometry\":" + z.BoundaryGeoJson + "}");
        return "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features) + "]}";
    }

    /// <summary>Saves one zone's name and boundary; returns the coverage problems after the change (overlaps, gaps).</summary>
    public async Task<Result<IReadOnlyList<string>>> SaveZoneAsync(ZoneEdit e, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(e.Code) || string.IsNullOrWhiteSpace(e.Name)) return Result<IReadOnlyList<string>>.Fail(Texts.Get("A zone needs a code and a name."));
        var shape = Parse(e.BoundaryGeoJson ?? "");
        if (!shape.Succeeded) return Result<IReadOnlyList<string>>.Fail(shape.Error!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Zones.AnyAsync(z => z.Code == e.Code.Trim() && z.Id != e.Id, ct)) return Result<IReadOnlyList<string>>.Fail(Texts.Get("Another zone already uses that code."));
        var zone = e.Id is { } id ? await db.Zones.SingleOrDefaultAsync(z => z.Id == id, ct) : new Zone();
        if (zone is null) return Result<IReadOnlyList<string>>.Fail(Texts.Get("That zone no longer exists."));
        zone.Code = e.Code.Trim(); zone.Name = e.Name.Trim(); zone.BoundaryGeoJson = ZoneLocator.ToGeoJson(shape.Value!);
        if (e.Id is null) db.Zones.Add(zone);
        await AuditLog.AppendAsync(db, actor.Info, "admin.zone.save", "Zone", zone.Code, new { zone.Name }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        zones.Invalidate();
        return Result<IReadOnlyList<string>>.Ok(await CoverageProblemsAsync(ct));
    }

    /// <summary>Imports a GeoJSON FeatureCollection: each feature's properties.code (and name) picks the zone to create or update. All or nothing.</summary>
    public async Task<Result<IReadOnlyList<string>>> ImportZonesAsync(string featureCollection, Actor actor, CancellationToken ct = default)
    {
        List<ZoneEdit> edits = [];
        try
        {
            using var doc = JsonDocument.Parse(featureCollection);
            if (!doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                return Result<IReadOnlyList<string>>.Fail(Texts.Get("The file is not a GeoJSON FeatureCollection."));
            foreach (var f in features.EnumerateArray())
            {
                var props = f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
                var code = props.ValueKind == JsonValueKind.Object && props.TryGetProperty("code", out var c) ? c.GetString() : null;
                var name = props.ValueKind == JsonValueKind.Object && props.TryGetProperty("name", out var n) ? n.GetString() : code;
                if (string.IsNullOrWhiteSpace(code)) return Result<IReadOnlyList<string>>.Fail(Texts.Get("Every feature needs a \"code\" property."));
                if (!f.TryGetProperty("geometry", out var g)) return Result<IReadOnlyList<string>>.Fail(Texts.Get("Feature {0} has no geometry.", code));
                var shape = Parse(g.GetRawText());
                if (!shape.Succeeded) return Result<IReadOnlyList<string>>.Fail(Texts.Get("Feature {0}: {1}", code, shape.Error));
                edits.Add(new ZoneEdit(null, code, name ?? code, ZoneLocator.ToGeoJson(shape.Value!)));
            }
        }
        catch (JsonException ex)
        {
            return Result<IReadOnlyList<string>>.Fail(Texts.Get("The file is not valid JSON: {0}", ex.Message));
        }
        if (edits.Count == 0) return Result<IReadOnlyList<string>>.Fail(Texts.Get("The file has no zones."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var e in edits)
        {
            var zone = await db.Zones.SingleOrDefaultAsync(z => z.Code == e.Code, ct);
            if (zone is null) db.Zones.Add(zone = new Zone { Code = e.Code });
            zone.Name = e.Name; zone.BoundaryGeoJson = e.BoundaryGeoJson;
        }
        await AuditLog.AppendAsync(db, actor.Info, "admin.zone.import", "Zone", "*", new { zones = edits.Select(e => e.Code) }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        zones.Invalidate();
        return Result<IReadOnlyList<string>>.Ok(await CoverageProblemsAsync(ct));
    }

    // ---- teams, agents, skills ----
    public async Task<IReadOnlyList<TeamEdit>> TeamsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamEdit(t.Id, t.Name, t.Description, t.SupervisorUserId, t.IsActive)).ToListAsync(ct);
    }

    public async Task<Result> SaveTeamAsync(TeamEdit e, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(e.Name)) return Result.Fail(Texts.Get("A team needs a name."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (e.SupervisorUserId is { Length: > 0 } sup && !await db.Users.AnyAsync(u => u.Id == sup, ct)) return Result.Fail(Texts.Get("That supervisor does not exist."));
        var team = e.Id is { } id ? await db.Teams.SingleOrDefaultAsync(t => t.Id == id, ct) : new Team();
        if (team is null) return Result.Fail(Texts.Get("That team no longer exists."));
        team.Name = e.Name.Trim(); team.Description = e.Description?.Trim() ?? ""; team.SupervisorUserId = string.IsNullOrEmpty(e.SupervisorUserId) ? null : e.SupervisorUserId; team.IsActive = e.IsActive;
        if (e.Id is null) db.Teams.Add(team);
        await AuditLog.AppendAsync(db, actor.Info, "admin.team.save", "Team", team.Name, e, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<IReadOnlyList<AgentEdit>> AgentsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Agents.AsNoTracking().Include(a => a.Skills).Include(a => a.Zones).AsSplitQuery().OrderBy(a => a.DisplayName).ToListAsync(ct))
            .Select(a => new AgentEdit(a.Id, a.TeamId, a.Capacity, a.IsActive, a.Skills.Select(s => s.SkillId).ToList(), a.Zones.Select(z => z.ZoneId).ToList())).ToList();
    }

    public async Task<IReadOnlyDictionary<int, string>> AgentNamesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
    }

    public async Task<IReadOnlyList<Named>> SkillsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Skills.AsNoTracking().OrderBy(s => s.Name).Select(s => new Named(s.Id, s.Name)).ToListAsync(ct);
    }

    public async Task<Result> SaveAgentAsync(AgentEdit e, Actor actor, CancellationToken ct = default)
    {
        if (e.Capacity is < 1 or > 200) return Result.Fail(Texts.Get("Capacity must be between 1 and 200 open requests."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var agent = await db.Agents.Include(a => a.Skills).Include(a => a.Zones).SingleOrDefaultAsync(a => a.Id == e.Id, ct);
        if (agent is null) return Result.Fail(Texts.Get("That agent no longer exists."));
        if (!await db.Teams.AnyAsync(t => t.Id == e.TeamId, ct)) return Result.Fail(Texts.Get("Choose a team."));
        var skillIds = e.SkillIds.Distinct().ToList();
        var zoneIds = e.ZoneIds.Distinct().ToList();
        if (await db.Skills.CountAsync(s => skillIds.Contains(s.Id), ct) != skillIds.Count) return Result.Fail(Texts.Get("One of the skills does not exist."));
        if (await db.Zones.CountAsync(z => zoneIds.Contains(z.Id), ct) != zoneIds.Count) return Result.Fail(Texts.Get("One of the zones does not exist."));
        agent.TeamId = e.TeamId; agent.Capacity = e.Capacity; agent.IsActive = e.IsActive;
        agent.Skills.RemoveAll(s => !skillIds.Contains(s.SkillId));
        agent.Skills.AddRange(skillIds.Where(id => agent.Skills.All(s => s.SkillId != id)).Select(id => new AgentSkill { AgentId = agent.Id, SkillId = id }));
        agent.Zones.RemoveAll(z => !zoneIds.Contains(z.ZoneId));
        agent.Zones.AddRange(zoneIds.Where(id => agent.Zones.All(z => z.ZoneId != id)).Select(id => new AgentZone { AgentId = agent.Id, ZoneId = id }));
        await AuditLog.AppendAsync(db, actor.Info, "admin.agent.save", "Agent", agent.Id.ToString(), e, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    // ---- users and roles ----
    public async Task<IReadOnlyList<UserRow>> UsersAsync(string? search, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search)) q = q.Where(u => u.Email!.Contains(search.Trim()) || u.DisplayName.Contains(search.Trim()));
        var users = await q.OrderBy(u => u.Email).Take(100).Select(u => new { u.Id, u.Email, u.DisplayName, u.LockoutEnd }).ToListAsync(ct);
        var ids = users.Select(u => u.Id).ToList();
        var roles = (await db.UserRoles.Where(ur => ids.Contains(ur.UserId)).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(ct)).ToLookup(x => x.UserId, x => x.Name!);
        return users.Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, roles[u.Id].Order().ToList(), AccountLock.IsDisabled(u.LockoutEnd))).ToList();
    }

    public async Task<Result> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, Actor actor, CancellationToken ct = default)
    {
        if (roles.Any(r => !Roles.All.Contains(r))) return Result.Fail(Texts.Get("Unknown role."));
        if (userId == actor.UserId && !roles.Contains(Roles.Admin)) return Result.Fail(Texts.Get("You cannot remove your own administrator role."));
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Result.Fail(Texts.Get("That user no longer exists."));
        var current = await users.GetRolesAsync(user);
        var add = roles.Except(current).ToList();
        var remove = current.Except(roles).ToList();
        if (remove.Count > 0 && !(await users.RemoveFromRolesAsync(user, remove)).Succeeded) return Result.Fail(Texts.Get("The roles could not be changed; try again."));
        if (add.Count > 0 && !(await users.AddToRolesAsync(user, add)).Succeeded) return Result.Fail(Texts.Get("The roles could not be changed; try again."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AuditLog.AppendAsync(db, actor.Info, "admin.user.roles", "User", user.Email ?? userId, new { add, remove }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    /// <summary>
    /// Disables a user who has left: Identity's lockout with no end (so sign-in is refused) and a new security stamp, so
    /// their sign-in cookies are refused at the next stamp check and open circuits at the next revalidation (both every
    /// minute, Program.cs). Their requests, notes and audit entries stay as they are.
    /// </summary>
    public Task<Result> DisableUserAsync(string userId, Actor actor, CancellationToken ct = default) => SetDisabledAsync(userId, true, actor, ct);

    /// <summary>Enables a disabled user again: the lockout end is cleared (and the failed sign-in count), the password is unchanged.</summary>
    public Task<Result> EnableUserAsync(string userId, Actor actor, CancellationToken ct = default) => SetDisabledAsync(userId, false, actor, ct);

    private async Task<Result> SetDisabledAsync(string userId, bool disable, Actor actor, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get("Only an administrator can disable or enable a user."));
        if (disable && userId == actor.UserId) return Result.Fail(Texts.Get("You cannot disable your own account."));
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        // The user store saves through the scope's context: one transaction holds the change and its audit entry.
        var db = scope.ServiceProvider.GetRequiredService<CstDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Result.Fail(Texts.Get("That user no longer exists."));
        if (AccountLock.IsDisabled(user.LockoutEnd) == disable) return Result.Ok(); // another administrator was first: nothing to do
        var changed = disable
            ? (await users.SetLockoutEnabledAsync(user, true)).Succeeded
              && (await users.SetLockoutEndDateAsync(user, AccountLock.DisabledUntil)).Succeeded
              && (await users.UpdateSecurityStampAsync(user)).Succeeded
            : (await users.SetLockoutEndDateAsync(user, null)).Succeeded
              && (await users.ResetAccessFailedCountAsync(user)).Succeeded;
        if (!changed) return Result.Fail(Texts.Get("The account could not be changed; try again."));
        await AuditLog.AppendAsync(db, actor.Info, disable ? "admin.user.disable" : "admin.user.enable", "User", user.Email ?? userId, null, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
