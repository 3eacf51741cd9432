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
    /// <summary>Name, group and description in languages other than the default (English lives on the category).</summary>
    public List<CategoryTranslation> Translations { get; set; } = [];

    /// <summary>The category's texts in a language, falling back to the default language where not translated.</summary>
    public (string Name, string Group, string Description) In(string culture) =>
        Translations.FirstOrDefault(t => t.Culture == culture) is { } t
            ? (Or(t.Name, Name), Or(t.Group, Group), Or(t.Description, Description))
            : (Name, Group, Description);

    internal static string Or(string? translated, string fallback) => string.IsNullOrWhiteSpace(translated) ? fallback : translated;
}

/// <summary>A category's texts in one language other than the default; admins edit them, citizens read them.</summary>
public class CategoryTranslation
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    /// <summary>A supported culture other than the default, e.g. "ar".</summary>
    public string Culture { get; set; } = "";
    public string Name { get; set; } = "";
    public string Group { get; set; } = "";
    public string Description { get; set; } = "";
}

/// <summary>An extra question's prompt and choice labels in one language other than the default.</summary>
public class QuestionTranslation
{
    public int Id { get; set; }
    public int CategoryQuestionId { get; set; }
    public string Culture { get; set; } = "";
    public string Prompt { get; set; } = "";
    /// <summary>Choice labels, one per line as "key=Label", for the keys of the question's own options.</summary>
    public string Options { get; set; } = "";
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
    public List<QuestionTranslation> Translations { get; set; } = [];

    public IReadOnlyList<(string Key, string Label)> Choices() => ParseChoices(Options);

    public static IReadOnlyList<(string Key, string Label)> ParseChoices(string options) =>
        options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2) is [var k, var l] ? (k.Trim(), l.Trim()) : (line, line))
            .ToList();

    /// <summary>The prompt in a language, or the default one where not translated.</summary>
    public string PromptIn(string culture) => Category.Or(Translation(culture)?.Prompt, Prompt);

    /// <summary>The choices with labels in a language; a key without a translated label keeps its default label.</summary>
    public IReadOnlyList<(string Key, string Label)> ChoicesIn(string culture)
    {
        var translated = Translation(culture) is { } t ? ParseChoices(t.Options).ToDictionary(c => c.Key, c => c.Label) : [];
        return Choices().Select(c => (c.Key, translated.TryGetValue(c.Key, out var label) && label.Length > 0 ? label : c.Label)).ToList();
    }

    private QuestionTranslation? Translation(string culture) => Translations.FirstOrDefault(t => t.Culture == culture);
}

public enum Priority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
    P4 = 4,
}
