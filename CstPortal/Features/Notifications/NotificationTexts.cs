using System.Text.RegularExpressions;
using CstPortal.Common;
using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Notifications;

/// <summary>An admin's wording of one notification in one language; without a row the built-in wording is used.</summary>
public class NotificationTemplate
{
    public int Id { get; set; }
    /// <summary>One of <see cref="NotificationTexts.Kinds"/>.</summary>
    public string Key { get; set; } = "";
    public string Culture { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
}

/// <summary>A kind of notification and the {placeholders} its texts may use.</summary>
public sealed record NotificationKind(string Key, IReadOnlyList<string> Placeholders);

/// <summary>A notification's wording in one language, and whether an admin changed it from the built-in one.</summary>
public sealed record NotificationWording(string Key, string Culture, string Subject, string Body, bool Customized, IReadOnlyList<string> Placeholders);

/// <summary>
/// Notification texts are data: each kind has a built-in subject and body per language (the resources
/// "Notification.{key}.Subject/Body"), which an admin may reword per language. A notification is written in its
/// recipient's language: the user's stored choice, else the language of the person acting (an anonymous reporter
/// at submission), else the default.
/// </summary>
public static partial class NotificationTexts
{
    public const string ReportReceived = "report-received";
    public const string StatusChanged = "status-changed";
    public const string SupporterUpdate = "supporter-update";
    public const string Merged = "merged";
    public const string NeedsPerson = "needs-person";
    public const string SlaAtRisk = "sla-at-risk";
    public const string SlaBreached = "sla-breached";
    public const string AccountConfirm = "account-confirm";
    public const string PasswordReset = "password-reset";
    public const string PasswordResetCode = "password-reset-code";

    public static readonly IReadOnlyList<NotificationKind> Kinds =
    [
        new(ReportReceived, ["number", "code", "link"]),
        new(StatusChanged, ["number", "status"]),
        new(SupporterUpdate, ["number", "status", "link"]),
        new(Merged, ["duplicate", "master"]),
        new(NeedsPerson, ["number", "reason"]),
        new(SlaAtRisk, ["number", "target", "priority", "due", "rule", "queue"]),
        new(SlaBreached, ["number", "target", "priority", "due", "rule", "queue", "ago"]),
        new(AccountConfirm, ["link"]),
        new(PasswordReset, ["link"]),
        new(PasswordResetCode, ["code"]),
    ];

    public static NotificationWording BuiltIn(string key, string culture) =>
        new(key, culture, Texts.In(culture, $"Notification.{key}.Subject"), Texts.In(culture, $"Notification.{key}.Body"), false, Kind(key).Placeholders);

    public static NotificationKind Kind(string key) =>
        Kinds.SingleOrDefault(k => k.Key == key) ?? throw new ArgumentException($"Unknown notification kind {key}.", nameof(key));

    /// <summary>The language to write to a recipient in (see the class summary).</summary>
    public static async Task<string> RecipientCultureAsync(CstDbContext db, string? userId, string? email, CancellationToken ct)
    {
        string? preferred = null;
        if (userId is not null)
            preferred = await db.Users.Where(u => u.Id == userId).Select(u => u.PreferredCulture).SingleOrDefaultAsync(ct);
        else if (email is not null)
        {
            var normalized = email.Trim().ToUpperInvariant();
            preferred = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.PreferredCulture).FirstOrDefaultAsync(ct);
        }
        return Cultures.IsSupported(preferred) ? preferred! : userId is null ? Cultures.Current : Cultures.Default;
    }

    /// <summary>
    /// The subject and body of a notification for a recipient: the admin's wording in their language if any, else
    /// the built-in one, with {placeholders} filled. <paramref name="values"/> runs in the recipient's culture, so
    /// statuses, dates and numbers in it come out in their language.
    /// </summary>
    public static async Task<(string Subject, string Body)> RenderAsync(CstDbContext db, string key, string culture,
        Func<IReadOnlyDictionary<string, string>> values, CancellationToken ct)
    {
        var custom = await db.NotificationTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Key == key && t.Culture == culture, ct);
        var wording = custom is null ? BuiltIn(key, culture) : new NotificationWording(key, culture, custom.Subject, custom.Body, true, Kind(key).Placeholders);
        var filled = Cultures.With(culture, values);
        return (Fill(wording.Subject, filled).Trim(), Fill(wording.Body, filled).Trim());
    }

    /// <summary>Replaces each {name} by its value; an unknown name stays as written.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    /// <summary>The {names} a text uses that its kind does not offer.</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(string key, string text) =>
        Placeholder().Matches(text).Select(m => m.Groups[1].Value).Where(p => !Kind(key).Placeholders.Contains(p)).Distinct().ToList();

    [GeneratedRegex(@"\{([a-z]+)\}")]
    private static partial Regex Placeholder();
}
