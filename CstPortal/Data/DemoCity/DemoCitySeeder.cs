using CstPortal.Common;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Addresses;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Data.DemoCity;

/// <summary>Fills an empty database with the demo city of Riverton. Does nothing when any request or zone exists.</summary>
public sealed class DemoCitySeeder(
    IDbContextFactory<CstDbContext> dbFactory, UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles,
    TimeProvider clock, ILogger<DemoCitySeeder> log, ApiKeyService apiKeys, Microsoft.Extensions.Options.IOptions<ApiOptions> apiOptions)
{
    /// <summary>
    /// True (the default): SQLite and PostgreSQL write the generated requests through their bulk loaders. False: every
    /// provider takes the EF Core path, which keeps the summaries through the triggers row by row (the loaders' tests
    /// compare a bulk-loaded city with that one).
    /// </summary>
    public bool UseBulkLoaders { get; set; } = true;

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    public async Task<bool> SeedAsync(int requestCount, int seed, CancellationToken ct = default, int historyDays = 90, double? openShare = null)
    {
        await EnsureRolesAsync();
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
            if (await check.Zones.AnyAsync(ct) || await check.Requests.AnyAsync(ct)) return false;

        var now = clock.GetUtcNow().UtcDateTime;
        log.LogInformation("Seeding the demo city of Riverton with {Count} historical requests over {Days} days", requestCount, historyDays);

        var demoUsers = new Dictionary<string, string>();
        foreach (var u in DemoCityPlan.Users)
            demoUsers[u.Role] = await CreateUserAsync(u.Email, u.DisplayName, u.Role, DemoCityPlan.DemoPassword);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;

        var zones = new List<Zone>();
        for (var i = 0; i < DemoCityPlan.Zones.Length; i++)
        {
            int row = i / 3, col = i % 3;
            var shape = ZoneLocator.MakePolygon(DemoCityPlan.Corner(row, col), DemoCityPlan.Corner(row, col + 1),
                DemoCityPlan.Corner(row + 1, col + 1), DemoCityPlan.Corner(row + 1, col));
            zones.Add(new Zone { Code = DemoCityPlan.Zones[i].Code, Name = DemoCityPlan.Zones[i].Name, BoundaryGeoJson = ZoneLocator.ToGeoJson(shape) });
        }
        db.Zones.AddRange(zones);
        db.AddressPoints.AddRange(DemoCityPlan.Addresses().Select(a => new AddressPoint(a.Text, a.Lat, a.Lng)));
        var skills = DemoCityPlan.Skills.Select(s => new Skill { Code = s.Code, Name = s.Name }).ToList();
        db.Skills.AddRange(skills);
        var teams = DemoCityPlan.Teams.Select(t => new Team { Name = t.Name, Description = t.Description, SupervisorUserId = demoUsers[Roles.Supervisor] }).ToList();
        db.Teams.AddRange(teams);
        await db.SaveChangesAsync(ct);

        var agents = new List<Agent>();
        var slug = 0;
        foreach (var (plan, team) in DemoCityPlan.Teams.Zip(teams))
        {
            foreach (var name in plan.AgentNames)
            {
                var userId = name == "Amir Agent" ? demoUsers[Roles.Agent]
                    : await CreateUserAsync($"crew{++slug}@{DemoCityPlan.EmailDomain}", name, Roles.Agent, password: null);
                var agent = new Agent
                {
                    UserId = userId, DisplayName = name, TeamId = team.Id, Capacity = 12,
                    Skills = plan.Skills.Select(code => new AgentSkill { SkillId = skills.Single(s => s.Code == code).Id }).ToList(),
                    // Each agent covers the whole city except one zone; agents of a team share the city between them.
                    Zones = zones.Where((_, zi) => zi % plan.AgentNames.Length != Array.IndexOf(plan.AgentNames, name) || plan.AgentNames.Length == 1)
                        .Select(z => new AgentZone { ZoneId = z.Id }).ToList(),
                };
                agents.Add(agent);
            }
        }
        db.Agents.AddRange(agents);

        var categories = new List<(Category Entity, DemoCityPlan.CategoryPlan Plan, int TeamId)>();
        foreach (var plan in DemoCityPlan.Categories)
        {
            var teamId = teams.Single(t => t.Name == plan.Team).Id;
            var category = new Category
            {
                ServiceCode = plan.Code, Name = plan.Name, Group = plan.Group, Description = plan.Description,
                DefaultPriority = plan.DefaultPriority, RequiredSkillId = skills.Single(s => s.Code == plan.Skill).Id, DefaultTeamId = teamId,
                DuplicateRadiusMeters = plan.Group == "Waste" ? 30 : 50,
                // Street lights show the automatic assignment; the rest wait for a dispatcher.
                AutoAssign = plan.Code == "streetlight",
                Questions = plan.Questions.Select((q, i) => new CategoryQuestion
                {
                    Code = q.Code, Prompt = q.Prompt, Type = q.Type, Required = q.Required, Options = q.Options, Order = i + 1,
                    Translations = DemoCityArabic.Categories[plan.Code].Questions.TryGetValue(q.Code, out var ar)
                        ? [new QuestionTranslation { Culture = Common.Cultures.Arabic, Prompt = ar.Prompt, Options = ar.Options }] : [],
                }).ToList(),
            };
            var arabic = DemoCityArabic.Categories[plan.Code];
            category.Translations.Add(new CategoryTranslation { Culture = Common.Cultures.Arabic, Name = arabic.Name, Group = arabic.Group, Description = arabic.Description });
            categories.Add((category, plan, teamId));
        }
        db.Categories.AddRange(categories.Select(c => c.Entity));
        await db.SaveChangesAsync(ct);

        db.SlaPolicies.AddRange(categories.SelectMany(c => Enum.GetValues<Priority>().Select(p => new SlaPolicy
        {
            CategoryId = c.Entity.Id, Priority = p,
            ResponseHours = DemoCityPlan.TargetHours(c.Plan.ResponseHours, p),
            ResolutionHours = DemoCityPlan.TargetHours(c.Plan.ResolutionHours, p),
            UseWorkingHours = DemoCityPlan.UsesWorkingHours(p),
        })));
        DemoCityPlan.SeedSlaSettings(db);
        await db.SaveChangesAsync(ct);

        var citizens = new List<string>();
        for (var i = 1; i <= 40; i++)
            citizens.Add(await CreateUserAsync($"resident{i}@{DemoCityPlan.EmailDomain}", $"Resident {i}", Roles.Citizen, password: null));

        var generator = new DemoRequestGenerator(seed,
            categories.Select(c => new DemoRequestGenerator.CategoryRef(c.Entity.Id, c.Plan, c.TeamId, c.Entity.Questions)).ToList(),
            new ZoneLocator(zones.Select(z => (z.Id, z.BoundaryGeoJson))),
            agents.Select(a => new DemoRequestGenerator.AgentRef(a.Id, a.TeamId, a.UserId, a.DisplayName)).ToList(),
            citizens, demoUsers[Roles.Citizen], openShare);
        var rules = await db.EscalationRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Level).ToListAsync(ct);
        // Each request's past escalations are worked out (and its next one scheduled) before it is written; the rows follow it.
        var past = new Dictionary<ServiceRequest, List<SlaEscalation>>(ReferenceEqualityComparer.Instance);
        var inserted = await InsertRequestsAsync(generator.Generate(requestCount, now.AddDays(-historyDays), now).Select(r =>
            {
                past[r] = SlaSweep.SettleHistory(r, rules, now);
                return r;
            }),
            r => past.Remove(r, out var rows) ? rows : [], ct);

        await using var auditDb = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await auditDb.Database.BeginTransactionAsync(ct);
        await AuditLog.AppendAsync(auditDb, Actor.System("demo city").Info, "demo.seed", "City", "Riverton",
            new { zones = zones.Count, categories = categories.Count, agents = agents.Count, requests = inserted, seed }, now, ct);
        await auditDb.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // One Open311 key for the demo, its value from Cst:Open311:DemoApiKey.
        await apiKeys.CreateWithSecretAsync("Riverton demo Open311 client", null, null, apiOptions.Value.DemoApiKey, Actor.System("demo city"), ct);
        log.LogInformation("Demo city ready: {Zones} zones, {Categories} categories, {Agents} agents, {Requests} requests",
            zones.Count, categories.Count, agents.Count, inserted);
        return true;
    }

    /// <summary>
    /// Writes generated requests in batches, so memory stays flat. On SQLite and PostgreSQL a bulk loader (SQLite:
    /// prepared inserts in large transactions; PostgreSQL: binary COPY; both with indexes rebuilt and summaries computed
    /// after the load) does it many times faster than EF Core's change tracker; other providers take the EF Core path,
    /// a fresh context per batch.
    /// </summary>
    public async Task<int> InsertRequestsAsync(IEnumerable<ServiceRequest> requests, Func<ServiceRequest, IEnumerable<object>>? extras = null, CancellationToken ct = default)
    {
        extras ??= _ => [];
        void Progress(string progress) => log.LogInformation("Seeded {Progress}", progress);
        if (UseBulkLoaders)
        {
            await using var probe = await dbFactory.CreateDbContextAsync(ct);
            if (probe.Database.IsSqlite()) return await SqliteBulkLoader.LoadAsync(probe, requests, extras, Progress, ct);
            if (probe.Database.IsNpgsql()) return await PostgresBulkLoader.LoadAsync(probe, requests, extras, Progress, ct);
        }
        return await InsertThroughEfCoreAsync(requests, extras, ct);
    }

    /// <summary>The provider-neutral path: EF Core's change tracker, a fresh context per batch of 2,000.</summary>
    private async Task<int> InsertThroughEfCoreAsync(IEnumerable<ServiceRequest> requests, Func<ServiceRequest, IEnumerable<object>> extras, CancellationToken ct)
    {
        var count = 0;
        foreach (var batch in requests.Chunk(2000))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Requests.AddRange(batch);
            db.AddRange(batch.SelectMany(extras));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            count += batch.Length;
        }
        return count;
    }

    private async Task<string> CreateUserAsync(string email, string displayName, string role, string? password)
    {
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName };
        var result = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!result.Succeeded) throw new InvalidOperationException($"Could not create demo user {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, role);
        return user.Id;
    }
}
