using CstPortal.Common;

namespace CstPortal.Features.Requests;

/// <summary>
/// What the report form holds while a citizen fills it in, and the same checks the server makes, so the
/// form can say what is missing before sending. Pure: no database, no UI.
/// </summary>
public sealed class ReportDraft
{
    public CategoryForm? Category { get; private set; }
    public Dictionary<string, string> Answers { get; } = [];
    public string Description { get; set; } = "";
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }
    public string? Address { get; set; }
    public string? Email { get; set; }
    public List<PhotoUpload> Photos { get; } = [];

    public bool HasCategoryAndLocation => Category is not null && Latitude is not null && Longitude is not null;

    public void Choose(CategoryForm? category)
    {
        if (category?.Id == Category?.Id) return;
        Category = category;
        Answers.Clear();
    }

    public void Place(double latitude, double longitude)
    {
        Latitude = Math.Round(latitude, 6);
        Longitude = Math.Round(longitude, 6);
    }

    public void Toggle(string code, string choice, bool on)
    {
        var set = Answers.GetValueOrDefault(code, "").Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        set.Remove(choice);
        if (on) set.Add(choice);
        if (set.Count == 0) Answers.Remove(code);
        else Answers[code] = string.Join(';', set);
    }

    public bool IsChecked(string code, string choice) =>
        Answers.GetValueOrDefault(code, "").Split(';').Contains(choice);

    /// <summary>Every problem with the draft, in form order, each with the field it belongs to; empty when it can be sent.</summary>
    public IReadOnlyList<ReportProblem> Problems()
    {
        var problems = new List<ReportProblem>();
        void Add(ReportField field, string message) => problems.Add(new ReportProblem(field, message));
        if (Category is null) Add(ReportField.Category, "Choose a category.");
        else
        {
            var questions = Category.Questions.Select((q, i) => new CategoryQuestion
            {
                Code = q.Code, Prompt = q.Prompt, Type = q.Type, Required = q.Required, Order = i,
                Options = string.Join('\n', q.Choices.Select(c => $"{c.Key}={c.Label}")),
            }).ToList();
            var answers = CategoryAnswers.Validate(questions, Answers.Where(a => !string.IsNullOrWhiteSpace(a.Value)).ToDictionary());
            if (!answers.Succeeded) Add(ReportField.Answers, answers.Error!);
        }
        if (string.IsNullOrWhiteSpace(Description)) Add(ReportField.Description, "Describe the problem.");
        else if (Description.Length > RequestService.MaxDescription) Add(ReportField.Description, Texts.Get("The description can be at most {0:N0} characters.", RequestService.MaxDescription));
        if (Latitude is null || Longitude is null) Add(ReportField.Location, "Give the place of the problem: find the address, tap the map or use your location.");
        if (Address is { Length: > 400 }) Add(ReportField.Address, "The address or landmark can be at most 400 characters.");
        if (!string.IsNullOrWhiteSpace(Email) && !ContactEmail.IsValid(Email.Trim())) Add(ReportField.Email, "The email address does not look right.");
        if (Photos.Count > PhotoRules.MaxFiles) Add(ReportField.Photos, Texts.Get("Add at most {0} photos.", PhotoRules.MaxFiles));
        return problems;
    }

    public SubmitInput ToInput() => new(Category?.Id ?? 0, Description, Latitude ?? double.NaN, Longitude ?? double.NaN, Address,
        Answers.ToDictionary(), string.IsNullOrWhiteSpace(Email) ? null : Email.Trim(), [.. Photos]);
}

/// <summary>The parts of the report form a problem can belong to (the form ties each message to its field).</summary>
public enum ReportField { Category, Answers, Description, Location, Address, Email, Photos }

/// <summary>What is wrong with a report draft, and where.</summary>
public sealed record ReportProblem(ReportField Field, string Message);
