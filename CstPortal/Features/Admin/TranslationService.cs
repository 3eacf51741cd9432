using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Admin;

/// <summary>A choice of a question: its key, its label in the default language, and the translated label.</summary>
public sealed class ChoiceTranslationEdit
{
    public string Key { get; init; } = "";
    public string DefaultLabel { get; init; } = "";
    public string Label { get; set; } = "";
}

/// <summary>A question's prompt and choices in one language, beside the default wording.</summary>
public sealed class QuestionTranslationEdit
{
    public string Code { get; init; } = "";
    public string DefaultPrompt { get; init; } = "";
    public string Prompt { get; set; } = "";
    public List<ChoiceTranslationEdit> Choices { get; init; } = [];
}

/// <summary>A category's texts in one language other than the default, as the admin page edits them.</summary>
public sealed class CategoryTranslationEdit
{
    public int CategoryId { get; init; }
    public string Culture { get; init; } = "";
    public string Name { get; set; } = "";
    public string Group { get; set; } = "";
    public string Description { get; set; } = "";
    public List<QuestionTranslationEdit> Questions { get; init; } = [];
}

/// <summary>
/// Admin editing of translatable data: a category's name, group, description and extra questions per language,
/// and the wording of each notification per language. Admins only; each save validates, then is audited in its
/// transaction. A blank translated text means "not translated": the default language's text shows.
/// </summary>
public sealed class TranslationService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The languages texts can be translated into (all but the default, whose texts live on the data itself).</summary>
    public static IReadOnlyList<string> TranslatableCultures => Cultures.Supported.Where(c => c != Cultures.Default).ToList();

    public async Task<CategoryTranslationEdit?> CategoryAsync(int categoryId, string culture, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Categories.AsNoTracking().AsSplitQuery()
            .Include(x => x.Translations.Where(t => t.Culture == culture))
            .Include(x => x.Questions).ThenInclude(q => q.Translations.Where(t => t.Culture == culture))
            .SingleOrDefaultAsync(x => x.Id == categoryId, ct);
        if (c is null) return null;
        var t = c.Translations.SingleOrDefault();
        return new CategoryTranslationEdit
        {
            CategoryId = c.Id, Culture = culture, Name = t?.Name ?? "", Group = t?.Group ?? "", Description = t?.Description ?? "",
            Questions = c.Questions.OrderBy(q => q.Order).Select(q =>
            {
                var qt = q.Translations.SingleOrDefault();
                var labels = qt is null ? [] : CategoryQuestion.ParseChoices(qt.Options).ToDictionary(x => x.Key, x => x.Label);
                return new QuestionTranslationEdit
                {
                    Code = q.Code, DefaultPrompt = q.Prompt, Prompt = qt?.Prompt ?? "",
                    Choices = q.Choices().Select(ch => new ChoiceTranslationEdit { Key = ch.Key, DefaultLabel = ch.Label, Label = labels.GetValueOrDefault(ch.Key, "") }).ToList(),
                };
            }).ToList(),
        };
    }

    public async Task<Result> SaveCategoryAsync(CategoryTranslationEdit e, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get("Only administrators can change translations."));
        if (!TranslatableCultures.Contains(e.Culture)) return Result.Fail(Texts.Get("Choose a language to translate into."));
        if (Trim(e.Name).Length > 200 || Trim(e.Group).Length > 100 || Trim(e.Description).Length > 1000)
            return Result.Fail(Texts.Get("A name can have at most 200 characters, a group 100 and a description 1,000."));
        if (e.Questions.Any(q => Trim(q.Prompt).Length > 400 || q.Choices.Any(ch => Trim(ch.Label).Length > 200 || ch.Label.Contains('\n') || ch.Label.Contains('='))))
            return Result.Fail(Texts.Get("A question can have at most 400 characters and an answer 200, without line breaks or \"=\"."));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = await db.Categories.AsSplitQuery()
            .Include(x => x.Translations.Where(t => t.Culture == e.Culture))
            .Include(x => x.Questions).ThenInclude(q => q.Translations.Where(t => t.Culture == e.Culture))
            .SingleOrDefaultAsync(x => x.Id == e.CategoryId, ct);
        if (c is null) return Result.Fail(Texts.Get("That category no longer exists."));

        var row = c.Translations.SingleOrDefault();
        if (row is null) c.Translations.Add(row = new CategoryTranslation { Culture = e.Culture });
        (row.Name, row.Group, row.Description) = (Trim(e.Name), Trim(e.Group), Trim(e.Description));
        foreach (var q in c.Questions)
        {
            // Questions the admin renamed or removed meanwhile are matched by code; unknown codes are ignored.
            if (e.Questions.FirstOrDefault(x => x.Code == q.Code) is not { } edit) continue;
            var qt = q.Translations.SingleOrDefault();
            if (qt is null) q.Translations.Add(qt = new QuestionTranslation { Culture = e.Culture });
            var keys = q.Choices().Select(ch => ch.Key).ToHashSet();
            qt.Prompt = Trim(edit.Prompt);
            qt.Options = string.Join("\n", edit.Choices.Where(ch => keys.Contains(ch.Key) && Trim(ch.Label).Length > 0).Select(ch => $"{ch.Key}={Trim(ch.Label)}"));
        }
        await db.SaveChangesAsync(ct);
        await AuditLog.AppendAsync(db, actor.Info, "admin.category.translate", "Category", c.ServiceCode,
            new { culture = e.Culture, name = row.Name, group = row.Group, questions = e.Questions.Count }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    /// <summary>Every notification's wording in a language: the admin's where there is one, else the built-in one.</summary>
    public async Task<IReadOnlyList<NotificationWording>> NotificationsAsync(string culture, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var custom = await db.NotificationTemplates.AsNoTracking().Where(t => t.Culture == culture).ToDictionaryAsync(t => t.Key, ct);
        return NotificationTexts.Kinds.Select(k => custom.TryGetValue(k.Key, out var t)
            ? new NotificationWording(k.Key, culture, t.Subject, t.Body, true, k.Placeholders)
            : NotificationTexts.BuiltIn(k.Key, culture)).ToList();
    }

    public async Task<Result> SaveNotificationAsync(string key, string culture, string subject, string body, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get("Only administrators can change translations."));
        if (!Cultures.IsSupported(culture)) return Result.Fail(Texts.Get("Choose a language to translate into."));
        if (NotificationTexts.Kinds.All(k => k.Key != key)) return Result.Fail(Texts.Get("There is no such notification."));
        (subject, body) = (Trim(subject), (body ?? "").Trim().Replace("\r\n", "\n"));
        if (subject.Length == 0 || body.Length == 0) return Result.Fail(Texts.Get("A notification needs a subject and a text."));
        if (subject.Length > 400 || body.Length > 4000) return Result.Fail(Texts.Get("The subject can have at most 400 characters and the text 4,000."));
        if (subject.Contains('\n')) return Result.Fail(Texts.Get("The subject must fit on one line."));
        var unknown = NotificationTexts.UnknownPlaceholders(key, subject + "\n" + body);
        if (unknown.Count > 0)
            return Result.Fail(Texts.Get("{0} is not a placeholder of this notification. Use: {1}.",
                string.Join(", ", unknown.Select(p => "{" + p + "}")), string.Join(", ", NotificationTexts.Kind(key).Placeholders.Select(p => "{" + p + "}"))));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.NotificationTemplates.SingleOrDefaultAsync(t => t.Key == key && t.Culture == culture, ct);
        if (row is null) db.NotificationTemplates.Add(row = new NotificationTemplate { Key = key, Culture = culture });
        (row.Subject, row.Body) = (subject, body);
        await db.SaveChangesAsync(ct);
        await AuditLog.AppendAsync(db, actor.Info, "admin.notification.save", "NotificationTemplate", $"{key}/{culture}", new { subject }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    /// <summary>Goes back to the built-in wording of a notification in a language.</summary>
    public async Task<Result> ResetNotificationAsync(string key, string culture, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get("Only administrators can change translations."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.NotificationTemplates.Where(t => t.Key == key && t.Culture == culture).ExecuteDeleteAsync(ct);
        if (removed > 0) await AuditLog.AppendAsync(db, actor.Info, "admin.notification.reset", "NotificationTemplate", $"{key}/{culture}", new { }, Now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    private static string Trim(string? s) => (s ?? "").Trim();
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
