namespace CstPortal.Features.Requests;

/// <summary>A kind of problem a citizen can report (Open311: a service).</summary>
public class Category
{
    public int Id { get; set; }
    /// <summary>Stable code used by Open311 and the API, e.g. "pothole".</summary>
    public string ServiceCode { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>Group shown to citizens, e.g. "Roads".</summary>
    public string Group { get; set; } = "";
    public string Description { get; set; } = "";
    public Priority DefaultPriority { get; set; } = Priority.P3;
    /// <summary>Open requests of this category within this distance are offered as possible duplicates.</summary>
    public int DuplicateRadiusMeters { get; set; } = 50;
    public int? RequiredSkillId { get; set; }
    public int? DefaultTeamId { get; set; }
    /// <summary>Triaged requests of this category are assigned automatically (zone, skill, workload).</summary>
    public bool AutoAssign { get; set; }
    public bool IsActive { get; set; } = true;
    public List<CategoryQuestion> Questions { get; set; } = [];
}

public enum QuestionType
{
    Text,
    Number,
    SingleChoice,
    MultipleChoice,
}

/// <summary>An extra question a category asks (Open311: an attribute).</summary>
public class CategoryQuestion
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    public string Code { get; set; } = "";
    public string Prompt { get; set; } = "";
    public QuestionType Type { get; set; }
    public bool Required { get; set; }
    public int Order { get; set; }
    /// <summary>Choices for single/multiple choice, one per line as "key=Label".</summary>
    public string Options { get; set; } = "";

    public IReadOnlyList<(string Key, string Label)> Choices() =>
        Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2) is [var k, var l] ? (k.Trim(), l.Trim()) : (line, line))
            .ToList();
}

public enum Priority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
    P4 = 4,
}
