using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;

namespace CstPortal.Data.DemoCity;

/// <summary>
/// Makes believable historical requests: each one lives through the workflow on a simulated clock
/// (triage, assignment, arrival, work, resolution, closure, the odd reopen or rejection) and is cut
/// off at "now", so every state appears. Deterministic: the same seed and inputs give the same requests.
/// Streams its output, so it can make millions for benchmarks without holding them in memory.
/// </summary>
public sealed class DemoRequestGenerator
{
    public sealed record CategoryRef(int Id, DemoCityPlan.CategoryPlan Plan, int TeamId, IReadOnlyList<CategoryQuestion> Questions);
    public sealed record AgentRef(int Id, int TeamId, string UserId, string Name);

    private readonly Random _rng;
    private readonly IReadOnlyList<CategoryRef> _categories;
    private readonly double _totalWeight;
    private readonly ZoneLocator _zones;
    private readonly (double MinLat, double MinLng, double MaxLat, double MaxLng) _extent;
    private readonly IReadOnlyDictionary<int, AgentRef[]> _agentsByTeam;
    private readonly IReadOnlyList<string> _citizenIds;
    private readonly string? _demoCitizenId;
    private readonly (double Lat, double Lng)[] _hotspots;
    private readonly double? _openShare;

    /// <param name="openShare">
    /// Share of requests that stall as a backlog (never resolved: they stop at New, Triaged, Assigned or In progress),
    /// so a long history still has a realistic open share; null for none (the small demo city, unchanged).
    /// </param>
    public DemoRequestGenerator(int seed, IReadOnlyList<CategoryRef> categories, ZoneLocator zones,
        IReadOnlyList<AgentRef> agents, IReadOnlyList<string> citizenIds, string? demoCitizenId, double? openShare = null)
    {
        _openShare = openShare;
        _rng = new Random(seed);
        _categories = categories;
        _totalWeight = categories.Sum(c => c.Plan.Weight);
        _zones = zones;
        _extent = zones.Extent();
        _agentsByTeam = agents.GroupBy(a => a.TeamId).ToDictionary(g => g.Key, g => g.ToArray());
        _citizenIds = citizenIds;
        _demoCitizenId = demoCitizenId;
        _hotspots = Enumerable.Range(0, 8).Select(_ => RandomPointInCity()).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> requests created between <paramref name="from"/> and <paramref name="now"/>,
    /// ids from <paramref name="firstId"/> upward in order of creation.
    /// </summary>
    public IEnumerable<ServiceRequest> Generate(int count, DateTime from, DateTime now, int firstId = 1)
    {
        var span = (now - from).Ticks;
        for (var i = 0; i < count; i++)
        {
            var createdAt = new DateTime(from.Ticks + (long)(span * ((i + _rng.NextDouble()) / count)), DateTimeKind.Utc);
            yield return Make(firstId + i, firstId, createdAt, now);
        }
    }

    private ServiceRequest Make(int id, int firstId, DateTime createdAt, DateTime now)
    {
        var category = PickCategory();
        var plan = category.Plan;
        var priority = _rng.NextDouble() switch
        {
            < 0.08 when plan.DefaultPriority > Priority.P1 => plan.DefaultPriority - 1,
            > 0.90 when plan.DefaultPriority < Priority.P4 => plan.DefaultPriority + 1,
            _ => plan.DefaultPriority,
        };
        var (lat, lng, zoneId) = RandomLocation();
        var reporter = _rng.NextDouble() switch
        {
            < 0.02 when _demoCitizenId is not null => _demoCitizenId,
            < 0.60 when _citizenIds.Count > 0 => _citizenIds[_rng.Next(_citizenIds.Count)],
            _ => null,
        };
        _rng.Next(1, 240); _rng.Next(DemoCityPlan.Streets.Length); // the draws an older random address took: the rest of the data stays as it was
        var address = DemoCityPlan.NearestAddress(lat, lng);
        var answers = category.Questions.Where(q => q.Required || _rng.NextDouble() < 0.5)
            .ToDictionary(q => q.Code, q => q.Type switch
            {
                QuestionType.Number => _rng.Next(1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
                QuestionType.Text => q.Code == "pole" ? $"RV-{_rng.Next(1000, 9999)}" : "Near the entrance",
                _ => q.Choices()[_rng.Next(q.Choices().Count)].Key,
            });
        var input = new NewRequest(category.Id, priority, plan.Descriptions[_rng.Next(plan.Descriptions.Length)] + ".", lat, lng,
            address, zoneId, reporter, reporter is null ? TrackingCodes.Hash($"DEMO{id}") : null, null, answers);

        var factor = DemoCityPlan.PriorityFactor(priority);
        var (responseDue, resolutionDue) = Features.Sla.SlaClock.Compute(createdAt,
            DemoCityPlan.TargetHours(plan.ResponseHours, priority), DemoCityPlan.TargetHours(plan.ResolutionHours, priority),
            DemoCityPlan.UsesWorkingHours(priority), DemoCityPlan.WorkingCalendar);

        // A stalled request never gets past its stage: New 20%, Triaged 20%, Assigned 30%, In progress 30%.
        var stallAt = _openShare is { } share && _rng.NextDouble() < share
            ? _rng.NextDouble() switch { < 0.2 => RequestStatus.New, < 0.4 => RequestStatus.Triaged, < 0.7 => RequestStatus.Assigned, _ => RequestStatus.InProgress }
            : (RequestStatus?)null;
        var life = new Life(createdAt, now, reporter, stallAt);
        var agents = _agentsByTeam.GetValueOrDefault(category.TeamId) ?? [];
        // The documented demo agent gets a good share of the work, so signing in as them shows some.
        var agent = agents.Length == 0 ? null
            : agents[0].Name == DemoAgentName && _rng.NextDouble() < 0.5 ? agents[0]
            : agents[_rng.Next(agents.Length)];
        const string dispatcher = "Dana Dispatcher";

        DateTime? triagedAt = null, assignedAt = null, startedAt = null, resolvedAt = null, closedAt = null;
        string? resolutionNote = null;
        CloseReason? closeReason = null;
        int? teamId = null, agentId = null, masterId = null;
        var status = RequestStatus.New;

        // Dispatchers triage during office hours (08:00–18:00): night-time reports wait for the morning.
        var t = OfficeHours(createdAt.AddHours(Exp(2.5 * factor)));
        if (life.Happens(t, RequestStatus.New, RequestStatus.Triaged, "Triage", dispatcher, null))
        {
            status = RequestStatus.Triaged;
            triagedAt = t;
            var roll = _rng.NextDouble();
            if (roll < 0.09)
            {
                closeReason = roll < 0.03 && id > firstId + 5 ? CloseReason.Duplicate : roll < 0.06 ? CloseReason.Invalid : CloseReason.NotOurResponsibility;
                if (closeReason == CloseReason.Duplicate) masterId = id - 1 - _rng.Next(Math.Min(5, id - firstId));
                t = t.AddMinutes(_rng.Next(5, 90));
                if (life.Happens(t, status, RequestStatus.Closed, "CloseWithReason", dispatcher, closeReason.ToString()))
                {
                    status = RequestStatus.Closed;
                    closedAt = t;
                }
                else closeReason = null;
            }
            else if (agent is not null)
            {
                t = t.AddHours(Exp(3 * factor));
                if (life.Happens(t, status, RequestStatus.Assigned, "Assign", dispatcher, null))
                {
                    status = RequestStatus.Assigned;
                    assignedAt = t;
                    teamId = agent.TeamId;
                    agentId = agent.Id;
                    var arrived = t.AddHours(Exp(plan.MedianResolutionHours * 0.3 * factor));
                    if (arrived <= now) life.Milestone(MilestoneKind.Arrived, arrived, agent, lat, lng);
                    t = arrived.AddMinutes(_rng.Next(5, 40));
                    if (life.Happens(t, status, RequestStatus.InProgress, "Start", agent.Name, null))
                    {
                        status = RequestStatus.InProgress;
                        startedAt = t;
                        life.Milestone(MilestoneKind.WorkStarted, t, agent, lat, lng);
                        for (var round = 0; round < 2; round++)
                        {
                            var note = DemoCityPlan.ResolutionNotes[_rng.Next(DemoCityPlan.ResolutionNotes.Length)];
                            t = t.AddHours(LogNormal(plan.MedianResolutionHours * 0.5 * factor));
                            if (!life.Happens(t, status, RequestStatus.Resolved, "Resolve", agent.Name, note)) break;
                            status = RequestStatus.Resolved;
                            resolvedAt = t;
                            resolutionNote = note;
                            life.Milestone(MilestoneKind.Resolved, t, agent, lat, lng);
                            if (round == 0 && _rng.NextDouble() < 0.05)
                            {
                                t = t.AddHours(_rng.Next(6, 72));
                                if (!life.Happens(t, status, RequestStatus.InProgress, "Reopen", reporter is null ? "Anonymous reporter" : "Reporter", "The problem is back."))
                                    break;
                                status = RequestStatus.InProgress;
                                resolvedAt = null;
                                resolutionNote = null;
                                continue;
                            }
                            var confirms = _rng.NextDouble() < 0.4;
                            t = confirms ? t.AddHours(_rng.Next(2, 96)) : t.AddDays(7);
                            if (life.Happens(t, status, RequestStatus.Closed, "Close", confirms ? "Reporter" : "System (auto-close)", null))
                            {
                                status = RequestStatus.Closed;
                                closedAt = t;
                            }
                            break;
                        }
                    }
                }
            }
        }

        var request = ServiceRequest.FromHistory(id, ServiceRequest.FormatNumber(createdAt.Year, id), input, status, life.History,
            createdAt, triagedAt, assignedAt, startedAt, resolvedAt, closedAt, responseDue, resolutionDue, teamId, agentId,
            resolutionNote, closeReason, masterId);
        request.Milestones.AddRange(life.Milestones);
        AddComments(request, createdAt, life.LastAt, reporter, agentId is null ? null : agent);
        if (resolvedAt is { } done && _rng.NextDouble() < 0.45)
        {
            var stars = _rng.NextDouble() switch { < 0.05 => 1, < 0.12 => 2, < 0.30 => 3, < 0.60 => 4, _ => 5 };
            var ratedAt = done.AddHours(_rng.Next(1, 48));
            if (ratedAt <= now)
                request.AttachRating(new Rating { Stars = stars, At = ratedAt, Text = stars >= 4 ? "Fixed quickly, thanks." : stars <= 2 ? "Took far too long." : null });
        }
        return request;
    }

    private void AddComments(ServiceRequest request, DateTime from, DateTime to, string? reporter, AgentRef? agent)
    {
        if (to <= from) return;
        DateTime Between() => from.AddTicks((long)((to - from).Ticks * _rng.NextDouble()));
        if (_rng.NextDouble() < 0.22)
            request.Comments.Add(new Comment
            {
                AuthorUserId = reporter, AuthorName = reporter is null ? "Anonymous reporter" : "Reporter",
                Text = DemoCityPlan.CitizenComments[_rng.Next(DemoCityPlan.CitizenComments.Length)], At = Between(),
            });
        if (agent is not null && _rng.NextDouble() < 0.15)
            request.Comments.Add(new Comment
            {
                AuthorUserId = agent.UserId, AuthorName = agent.Name,
                Text = DemoCityPlan.StaffComments[_rng.Next(DemoCityPlan.StaffComments.Length)], At = Between(),
            });
        if (agent is not null && _rng.NextDouble() < 0.10)
            request.InternalNotes.Add(new InternalNote { AuthorUserId = agent.UserId, AuthorName = agent.Name, Text = "Needs the small truck; access from the back lane.", At = Between() });
    }

    private CategoryRef PickCategory()
    {
        var x = _rng.NextDouble() * _totalWeight;
        foreach (var c in _categories)
        {
            x -= c.Plan.Weight;
            if (x <= 0) return c;
        }
        return _categories[^1];
    }

    private (double Lat, double Lng, int ZoneId) RandomLocation()
    {
        while (true)
        {
            var (lat, lng) = _rng.NextDouble() < 0.35
                ? Near(_hotspots[_rng.Next(_hotspots.Length)], 0.004)
                : RandomPointInCity();
            if (_zones.Locate(lat, lng) is { } zone) return (Math.Round(lat, 6), Math.Round(lng, 6), zone);
        }
    }

    private (double, double) RandomPointInCity() =>
        (_extent.MinLat + _rng.NextDouble() * (_extent.MaxLat - _extent.MinLat),
         _extent.MinLng + _rng.NextDouble() * (_extent.MaxLng - _extent.MinLng));

    private (double, double) Near((double Lat, double Lng) p, double spread) =>
        (p.Lat + (_rng.NextDouble() - 0.5) * spread, p.Lng + (_rng.NextDouble() - 0.5) * spread * 1.3);

    private const string DemoAgentName = "Amir Agent";

    private DateTime OfficeHours(DateTime t)
    {
        if (t.Hour >= 8 && t.Hour < 18) return t;
        var morning = t.Date.AddHours(t.Hour >= 18 ? 32 : 8);
        return morning.AddMinutes(_rng.Next(0, 90));
    }

    private double Exp(double mean) => -mean * Math.Log(1 - _rng.NextDouble());

    private double LogNormal(double median)
    {
        var u1 = 1 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(0.6 * normal);
    }

    /// <summary>The history of one request as it is lived, stopping at "now".</summary>
    private sealed class Life(DateTime createdAt, DateTime now, string? reporter, RequestStatus? stallAt)
    {
        public List<StatusChange> History { get; } =
        [
            new() { From = null, To = RequestStatus.New, Action = "submit", At = createdAt, ActorUserId = reporter, ActorName = reporter is null ? "Anonymous reporter" : "Reporter" },
        ];
        public List<Milestone> Milestones { get; } = [];
        public DateTime LastAt => History[^1].At < now ? now : History[^1].At;

        public bool Happens(DateTime at, RequestStatus from, RequestStatus to, string action, string actor, string? note)
        {
            if (at > now || to > stallAt) return false;
            History.Add(new StatusChange { From = from, To = to, Action = action, At = at, ActorName = actor, Note = note });
            return true;
        }

        public void Milestone(MilestoneKind kind, DateTime at, AgentRef agent, double lat, double lng) =>
            Milestones.Add(new Milestone { Kind = kind, At = at, ActorUserId = agent.UserId, Latitude = lat, Longitude = lng });
    }
}
