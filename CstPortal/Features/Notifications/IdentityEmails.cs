using System.Net;
using CstPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Notifications;

/// <summary>
/// The account emails ASP.NET Core Identity asks for (confirm an address, reset a password) go through the app's own
/// outbox, like every other email: written in the recipient's language from texts an admin may reword, sent by the
/// outbox job with its retries. The account pages hand over HTML-encoded links; an email is plain text, so they are
/// decoded here.
/// </summary>
public sealed class IdentityEmails(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock) : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        EnqueueAsync(email, NotificationTexts.AccountConfirm, "link", WebUtility.HtmlDecode(confirmationLink));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        EnqueueAsync(email, NotificationTexts.PasswordReset, "link", WebUtility.HtmlDecode(resetLink));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        EnqueueAsync(email, NotificationTexts.PasswordResetCode, "code", resetCode);

    // Addressed by email, not by user: a changed address is confirmed at the new one; the language is that address's
    // account's choice, else the language the person is using now.
    private async Task EnqueueAsync(string email, string kind, string placeholder, string value)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await Outbox.EnqueueAsync(db, clock.GetUtcNow().UtcDateTime, NotificationChannel.Email, kind,
            () => new Dictionary<string, string> { [placeholder] = value }, recipientEmail: email);
        await db.SaveChangesAsync();
    }
}
