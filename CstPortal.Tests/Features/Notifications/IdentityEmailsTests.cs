using System.Net;
using System.Text.RegularExpressions;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Notifications;

/// <summary>
/// The account emails (confirm an address, reset a password) go out through the outbox, with a link that works:
/// through the real Identity forms, antiforgery and all.
/// </summary>
public partial class IdentityEmailsTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    private const string Passphrase = "a long enough passphrase for the riverton register test";

    [Fact]
    public async Task A_new_account_gets_a_confirmation_email_whose_link_confirms_the_address()
    {
        var client = NewClient();
        var email = $"new-{Guid.NewGuid():N}@example.org";

        using var registered = await HttpSignInForm.PostAsync(client, "/Account/Register",
            new() { ["Input.Email"] = email, ["Input.Password"] = Passphrase, ["Input.ConfirmPassword"] = Passphrase });
        Assert.Contains("Account/RegisterConfirmation", registered.Headers.Location!.OriginalString);

        var mail = await EmailToAsync(email);
        Assert.Equal("Confirm your email address", mail.Subject);
        Assert.False(await ConfirmedAsync(email));

        var link = new Uri(Link().Match(mail.Body).Value);
        Assert.Contains("/Account/ConfirmEmail?", link.PathAndQuery);
        Assert.DoesNotContain("&amp;", link.OriginalString); // plain text, not the page's HTML encoding
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(link.PathAndQuery));

        Assert.Contains("Thank you for confirming your email.", page);
        Assert.True(await ConfirmedAsync(email));
    }

    [Fact]
    public async Task A_forgotten_password_gets_an_email_with_a_reset_link_and_an_unknown_address_gets_none()
    {
        var client = NewClient();
        var known = $"citizen@{DemoCityPlan.EmailDomain}";
        var unknown = $"nobody-{Guid.NewGuid():N}@example.org";

        (await HttpSignInForm.PostAsync(client, "/Account/ForgotPassword", new() { ["Input.Email"] = known })).Dispose();
        (await HttpSignInForm.PostAsync(client, "/Account/ForgotPassword", new() { ["Input.Email"] = unknown })).Dispose();

        var mail = await EmailToAsync(known, subject: "Reset your password");
        Assert.Contains("/Account/ResetPassword?code=", Link().Match(mail.Body).Value);
        await using var db = Db();
        Assert.False(await db.Outbox.AnyAsync(m => m.RecipientEmail == unknown));
    }

    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private CstDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext();

    /// <summary>The email written to an address (the outbox job may have sent it already; the row stays).</summary>
    private async Task<(string Subject, string Body)> EmailToAsync(string email, string? subject = null)
    {
        await using var db = Db();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.RecipientEmail == email).Select(m => new { m.Subject, m.Body, m.Id }).ToListAsync();
        var row = rows.Where(m => subject is null || m.Subject == subject).OrderBy(m => m.Id).Last();
        return (row.Subject, row.Body);
    }

    private async Task<bool> ConfirmedAsync(string email)
    {
        await using var db = Db();
        return await db.Users.Where(u => u.Email == email).Select(u => u.EmailConfirmed).SingleAsync();
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
