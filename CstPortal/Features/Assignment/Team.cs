namespace CstPortal.Features.Assignment;

public class Team
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>The supervisor who is told when the team's queue needs a person.</summary>
    public string? SupervisorUserId { get; set; }
    public bool IsActive { get; set; } = true;
}

public class Skill
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
}

/// <summary>A field worker: who they are, what they can do, where, and how much at once.</summary>
public class Agent
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public int TeamId { get; set; }
    public Team? Team { get; set; }
    /// <summary>How many open assigned requests the agent can carry.</summary>
    public int Capacity { get; set; } = 10;
    public bool IsActive { get; set; } = true;
    public double? LastLatitude { get; set; }
    public double? LastLongitude { get; set; }
    public DateTime? LastActiveAt { get; set; }
    public List<AgentSkill> Skills { get; set; } = [];
    public List<AgentZone> Zones { get; set; } = [];

    /// <summary>The agent did something in the field: remember when, and where if the browser said (checked first).</summary>
    public void RecordActivity(DateTime now, double? latitude, double? longitude)
    {
        LastActiveAt = now;
        if (latitude is { } lat && longitude is { } lng && double.IsFinite(lat) && double.IsFinite(lng) && lat is >= -90 and <= 90 && lng is >= -180 and <= 180)
        {
            LastLatitude = lat;
            LastLongitude = lng;
        }
    }
}

public class AgentSkill
{
    public int AgentId { get; set; }
    public int SkillId { get; set; }
}

public class AgentZone
{
    public int AgentId { get; set; }
    public int ZoneId { get; set; }
}
